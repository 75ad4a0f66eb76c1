"""Committed notebooks carry no outputs: every code cell has no outputs and no execution count.

Usage: check_no_outputs.py NOTEBOOK...   Prints "PASS name" or "FAIL name: why" for each.
"""

import sys

import nbformat


def problems(path):
    notebook = nbformat.read(path, as_version=4)
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {index} has outputs")
        if cell.get("execution_count") is not None:
            found.append(f"cell {index} has an execution count")
    return found


def main(paths):
    failed = 0
    for path in paths:
        found = problems(path)
        if found:
            failed += 1
            print(f"FAIL no outputs in {path}: {'; '.join(found)} (clear them: "
                  f"jupyter nbconvert --clear-output --inplace, or Edit > Clear Outputs of All Cells)")
        else:
            print(f"PASS no outputs in {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
