"""A classic-PySpark notebook whose work exceeds the initial workers makes the autoscaler add
workers: checked from the local autoscaler's own HTTP API (GET /status) and the master's JSON.

Usage: check_autoscaling.py OUT_DIR NOTEBOOK
Needs a local cluster started with one worker and its autoscaler (./appspark up --workers 1), found
through APPSPARK_STATE_DIR and APPSPARK_CLUSTER. Executes the notebook (nbclient, as
execute_notebooks.py does) while watching /status, then checks:
  - the cluster started with 1 worker (the master's and the autoscaler's view);
  - the notebook's application (found by name in the master) was announced to the autoscaler and
    wanted more executors than the cluster had;
  - the autoscaler decided to add workers, each decision with its reason;
  - more workers registered with the master (waits up to 300 s for them).
Prints PASS/FAIL lines.
"""

import json
import os
import sys
import threading
import time
import urllib.request
from pathlib import Path

from execute_notebooks import execute

APP_NAME = "notebook: autoscaling"  # the notebook's application name
REGISTER_TIMEOUT_SECONDS = 300
# The work is meant to queue: on a heavily loaded machine (load average 40+ on 2 cores seen) one
# cell took over 600 s, execute_notebooks.py's default.
NOTEBOOK_CELL_TIMEOUT_SECONDS = 1200
READY_TIMEOUT_SECONDS = 120
POLL_SECONDS = 0.5


def get_json(url, attempts=1):
    """GET a JSON document; with attempts > 1, retried on network errors (a loaded machine's
    master or autoscaler may not answer within the timeout once in a while)."""
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return json.load(response)
        except OSError:
            if attempt == attempts - 1:
                raise
            time.sleep(POLL_SECONDS)


def await_ready(autoscaler_url):
    """Its /status once it serves and has observed the cluster (bounded poll), else None."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            status = get_json(autoscaler_url.rstrip("/") + "/status")
            if status["ready"]:
                return status
        except OSError:
            pass  # not serving yet
        time.sleep(POLL_SECONDS)
    return None


def alive_workers(master_web_url, attempts=1):
    state = get_json(master_web_url.rstrip("/") + "/json/", attempts)
    return [w for w in state["workers"] if w["state"] == "ALIVE"]


def report(ok, what):
    print(f"{'PASS' if ok else 'FAIL'} autoscaling: {what}", flush=True)
    return ok


class Watcher(threading.Thread):
    """Polls /status and the master while the notebook runs: what the autoscaler saw and did."""

    def __init__(self, autoscaler_url, master_web_url):
        super().__init__(daemon=True)
        self.autoscaler_url = autoscaler_url
        self.master_web_url = master_web_url
        self.demand = {}  # appId -> most executors it wanted, as /status showed
        self.decisions = {}  # (atMillis, action) -> decision
        self.most_workers = 0
        self.errors = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.poll()
            self.stop.wait(POLL_SECONDS)

    def poll(self):
        try:
            status = get_json(self.autoscaler_url.rstrip("/") + "/status")
            for app in status["demand"]:
                wanted = max(self.demand.get(app["appId"], 0), app["wantedExecutors"])
                self.demand[app["appId"]] = wanted
            for d in status["decisions"] + ([status["lastDecision"]] if status["lastDecision"] else []):
                self.decisions[(d["atMillis"], d["action"])] = d
            self.most_workers = max(self.most_workers, len(alive_workers(self.master_web_url)))
        except Exception as e:  # noqa: BLE001 - recorded; a few misses while loaded are fine
            self.errors.append(f"{type(e).__name__}: {e}")


def main(out_dir, notebook):
    state_dir = Path(os.environ["APPSPARK_STATE_DIR"])
    name = os.environ.get("APPSPARK_CLUSTER", "appspark")
    cluster = json.loads((state_dir / "clusters" / name / "cluster.json").read_text())
    autoscaler_url = cluster.get("autoscalerUrl")
    master_web_url = cluster["masterWebUrl"]
    if not report(bool(autoscaler_url), f"the cluster '{name}' runs an autoscaler ({autoscaler_url})"):
        return 1

    # `up --detach` returns once the cluster is ready; its autoscaler starts right after.
    status = await_ready(autoscaler_url)
    if not report(status is not None and status["ready"], f"the autoscaler at {autoscaler_url} is ready"):
        return 1
    initial = alive_workers(master_web_url, attempts=10)
    autoscaler_workers = [w for w in status["workers"] if w["phase"] == "active"]
    results = [
        report(
            len(initial) == 1 and len(autoscaler_workers) == 1,
            f"the cluster starts with 1 worker (master: {len(initial)} alive, "
            f"autoscaler: {len(autoscaler_workers)} active of {len(status['workers'])})",
        )
    ]

    watcher = Watcher(autoscaler_url, master_web_url)
    started_millis = int(time.time() * 1000)
    watcher.start()
    ran = execute(Path(notebook).resolve(), Path(out_dir), NOTEBOOK_CELL_TIMEOUT_SECONDS)
    results.append(ran)  # execute() printed its own PASS/FAIL line

    # More workers: the requested ones register with the master, perhaps after the work ended.
    deadline = time.monotonic() + REGISTER_TIMEOUT_SECONDS
    while watcher.most_workers <= 1 and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)  # polling a real condition, bounded by the deadline
    watcher.stop.set()
    watcher.join()
    watcher.poll()

    master = get_json(master_web_url.rstrip("/") + "/json/", attempts=10)
    apps = [a for a in master["activeapps"] + master["completedapps"] if a["name"] == APP_NAME]
    app_id = apps[-1]["id"] if apps else None
    wanted = watcher.demand.get(app_id, 0) if app_id else 0
    results.append(
        report(
            app_id is not None and wanted > 1,
            f"the notebook's application {app_id or '(not in the master)'} was seen by the "
            f"autoscaler, wanting up to {wanted} executor(s) (all seen: {watcher.demand})",
        )
    )
    adds = [
        d
        for (at, action), d in sorted(watcher.decisions.items())
        if action == "add" and at >= started_millis
    ]
    with_reasons = [d for d in adds if d["count"] >= 1 and d["reason"].strip()]
    results.append(
        report(
            bool(adds) and len(with_reasons) == len(adds),
            f"the autoscaler decided to add workers, with reasons: "
            + ("; ".join(d["reason"] for d in adds) or "no add decision"),
        )
    )
    results.append(
        report(
            watcher.most_workers > 1,
            f"more workers registered with the master: up to {watcher.most_workers} alive "
            f"(started with {len(initial)})",
        )
    )
    if watcher.errors:
        print(f"({len(watcher.errors)} failed polls, last: {watcher.errors[-1]})", file=sys.stderr)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
