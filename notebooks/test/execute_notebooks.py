"""Executes notebooks headlessly with nbclient against the cluster the environment points at.

Usage: execute_notebooks.py OUT_DIR NOTEBOOK...
Each notebook runs in a fresh kernel with the notebooks directory as its working directory; any
cell error fails it. The executed copy (with outputs) goes to OUT_DIR for whoever investigates.
Prints "PASS name (seconds)" or "FAIL name: error" for each.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

CELL_TIMEOUT_SECONDS = 600


def execute(path: Path, out_dir: Path, cell_timeout: int = CELL_TIMEOUT_SECONDS) -> bool:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.monotonic()
    try:
        client.execute()
        ok, detail = True, f"({time.monotonic() - start:.1f}s)"
    except CellExecutionError as e:
        ok, detail = False, str(e).strip().splitlines()[-1] if str(e).strip() else repr(e)
    except Exception as e:  # a dead kernel or a timeout fails the notebook just the same
        ok, detail = False, f"{type(e).__name__}: {e}"
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, out_dir / path.name)
    print(f"{'PASS' if ok else 'FAIL'} notebook {path.name} {detail}", flush=True)
    return ok


def main(out_dir, paths):
    results = [execute(Path(p).resolve(), Path(out_dir)) for p in paths]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
