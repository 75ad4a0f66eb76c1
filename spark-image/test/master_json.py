"""Reads a Spark standalone master's /json/ for the image tests.

  master_json.py wait-worker WEB_URL PORT START_EPOCH TIMEOUT
      waits until the worker with RPC port PORT is ALIVE; prints seconds since START_EPOCH
  master_json.py worker WEB_URL PORT     prints "<state> <memory MB> <cores>" of that worker
  master_json.py alive WEB_URL           prints the number of ALIVE workers
  master_json.py app WEB_URL NAME        prints "<state> <cores>" of the active app NAME
"""
import json
import sys
import time
import urllib.request


def state(url):
    with urllib.request.urlopen(url.rstrip("/") + "/json/", timeout=5) as response:
        return json.load(response)


def worker(doc, port):
    # The newest registration of that port (a dead one may still be listed).
    found = [w for w in doc["workers"] if w["port"] == port]
    return found[-1] if found else None


def main(cmd, url, *args):
    if cmd == "wait-worker":
        port, start, timeout = int(args[0]), float(args[1]), float(args[2])
        while time.time() < start + timeout:
            try:
                w = worker(state(url), port)
                if w and w["state"] == "ALIVE":
                    print(f"{time.time() - start:.3f}")
                    return 0
            except OSError:
                pass
            time.sleep(0.05)
        return 1
    doc = state(url)
    if cmd == "worker":
        w = worker(doc, int(args[0]))
        print(f"{w['state']} {w['memory']} {w['cores']}" if w else "ABSENT")
    elif cmd == "alive":
        print(doc["aliveworkers"])
    elif cmd == "app":
        apps = [a for a in doc["activeapps"] if a["name"] == args[0]]
        print(f"{apps[0]['state']} {apps[0]['cores']}" if apps else "ABSENT")
    else:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
