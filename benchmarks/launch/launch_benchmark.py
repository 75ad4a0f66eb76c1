#!/usr/bin/env python3
"""Launch benchmark: time from `./appspark up` to "master + 2 workers registered", against
starting the same master and workers by hand with plain `java`, in the same run.

Both sides do the same thing a careful person would: start the master, wait until its JSON state
says ALIVE, start two workers, wait until the master lists both as ALIVE. Repetitions alternate
between the two so that machine noise hits both alike. The report gives medians and the ratio
appspark / plain java (goal: <= 1.0).

Usage: benchmarks/launch/launch_benchmark.py [--repetitions N] [--out FILE]
"""
import argparse
import json
import os
import pathlib
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPARK_HOME = ROOT / "spark-dist" / "target" / "spark-home"
OPENS = ["java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio",
         "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref",
         "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar"]
POLL = 0.05


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def master_state(web_url):
    try:
        with urllib.request.urlopen(web_url + "/json/", timeout=2) as r:
            return json.load(r)
    except OSError:
        return None


def wait_for(condition, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(POLL)
    raise TimeoutError("condition not met in %ss" % timeout)


def plain_java_once(workdir):
    """Master and two workers started by hand with plain java; returns seconds to ready."""
    rpc, ui = free_port(), free_port()
    web = "http://127.0.0.1:%d" % ui
    java = shutil.which("java")
    base = [java, "-Xmx512m", "-XX:+UseParallelGC"] + ["--add-opens=java.base/%s=ALL-UNNAMED" % o for o in OPENS]
    base += ["-cp", "%s/conf/:%s/jars/*" % (SPARK_HOME, SPARK_HOME)]
    env = dict(os.environ, SPARK_HOME=str(SPARK_HOME), SPARK_SCALA_VERSION="2.13", SPARK_LOCAL_IP="127.0.0.1")
    procs = []
    log = open(workdir / "plain.log", "ab")
    start = time.monotonic()
    try:
        procs.append(subprocess.Popen(base + ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                                              "--port", str(rpc), "--webui-port", str(ui)],
                                      env=env, stdout=log, stderr=log, cwd=workdir))
        wait_for(lambda: (master_state(web) or {}).get("status") == "ALIVE")
        for i in range(2):
            wd = workdir / ("plain-worker-%d" % i)
            wd.mkdir(exist_ok=True)
            procs.append(subprocess.Popen(base + ["org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                                                  "--cores", "1", "--memory", "1024m", "--work-dir", str(wd),
                                                  "spark://127.0.0.1:%d" % rpc],
                                          env=env, stdout=log, stderr=log, cwd=wd))
        wait_for(lambda: (master_state(web) or {}).get("aliveworkers") == 2)
        return time.monotonic() - start
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=30)
        log.close()


def appspark_once(workdir, name):
    """`./appspark up --detach --workers 2`, which returns once master + 2 workers are registered."""
    env = dict(os.environ, APPSPARK_STATE_DIR=str(workdir / "state"))
    start = time.monotonic()
    subprocess.run([str(ROOT / "appspark"), "up", "--detach", "--name", name, "--workers", "2"],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.monotonic() - start
    subprocess.run([str(ROOT / "appspark"), "down", "--name", name], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "launch.json"))
    args = parser.parse_args()

    subprocess.run([str(ROOT / "appspark"), "--version"], check=True, stdout=subprocess.DEVNULL)  # builds if needed
    results = {"appspark": [], "plain_java": []}
    with tempfile.TemporaryDirectory(prefix="appspark-launch-bench-") as tmp:
        workdir = pathlib.Path(tmp)
        appspark_once(workdir, "warmup")  # first start fills OS caches for both sides
        for i in range(args.repetitions):
            results["plain_java"].append(plain_java_once(workdir))
            results["appspark"].append(appspark_once(workdir, "bench-%d" % i))
            print("repetition %d: appspark %.2fs, plain java %.2fs" % (i + 1, results["appspark"][-1], results["plain_java"][-1]), file=sys.stderr)

    median = {k: statistics.median(v) for k, v in results.items()}
    report = {
        "scenario": "time to master + 2 workers registered",
        "repetitions": args.repetitions,
        "seconds": results,
        "median_seconds": median,
        "ratio_appspark_over_plain_java": median["appspark"] / median["plain_java"],
        "goal": "ratio <= 1.0",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({"median_seconds": median, "ratio": round(report["ratio_appspark_over_plain_java"], 3)}))


if __name__ == "__main__":
    main()
