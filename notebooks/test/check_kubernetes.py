"""JupyterLab on a real Kubernetes API: the example app's notebook component applied beside a
cluster rendered by appspark, on the test control plane (testing/control-plane: kube-apiserver,
controller-manager, scheduler, kwok nodes; pods go Running, no container runs).

Usage: check_kubernetes.py   (builds the control plane if needed: testing/control-plane/build.sh)
Starts a fresh control plane in a temporary directory and stops it whatever happens. In namespace
my-app: the app's Deployment my-app (the owner) and its Secrets; `./appspark render` of cluster
my-app from a spec with `connect: {enabled: true}`; `kubectl kustomize notebooks/deploy/example`;
a server-side dry run, then a server-side apply; then checks what the API holds: the notebook pod
Running on a kwok node, non-root, no API token, the cluster's URLs matching the rendered Services,
the auth secret referenced from its Secret and never inlined, resources, and the cluster's
NetworkPolicy admitting the notebook pod. Prints PASS/FAIL lines.
"""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE.parent
ROOT = NOTEBOOKS.parent
CONTROL_PLANE = ROOT / "testing" / "control-plane"
NAMESPACE = "my-app"  # the example app (notebooks/deploy/example) and its cluster's name
CLUSTER = "my-app"
AUTH_SECRET = f"{CLUSTER}-spark-auth"
TIMEOUT_SECONDS = 180

SPEC = f"""\
name: {CLUSTER}
workers: {{min: 1, max: 3, initial: 1}}
connect:
  enabled: true
"""

OWNER = f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {CLUSTER}
  namespace: {NAMESPACE}
spec:
  replicas: 1
  selector:
    matchLabels: {{app: {CLUSTER}}}
  template:
    metadata:
      labels: {{app: {CLUSTER}}}
    spec:
      containers:
        - name: app
          image: registry.example/my-team/my-app:1.0
"""

results = []


def report(ok, what):
    results.append(bool(ok))
    print(f"{'PASS' if ok else 'FAIL'} kubernetes: {what}", flush=True)
    return ok


def run(cmd, env, stdin=None, check=True):
    done = subprocess.run(cmd, input=stdin, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"{shlex.join(map(str, cmd))} exited with {done.returncode}: "
                           f"{done.stderr.strip() or done.stdout.strip()}")
    return done


def read_env(path):
    env = {}
    for line in path.read_text().splitlines():
        line = line.removeprefix("export ").strip()
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    return env


def await_value(what, probe):
    """Polls probe() (a real condition) until it returns something truthy, for TIMEOUT_SECONDS."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


# --- label selectors, as the API server and network plugins evaluate them ----------------------


def selects(selector, labels):
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e["key"], e["operator"], e.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def admits(policy, pod_labels, pod_namespace):
    """Whether some ingress rule of a NetworkPolicy lets a pod with these labels in."""
    if pod_namespace != policy["metadata"]["namespace"]:
        return False  # every peer here is a pod selector without a namespace selector
    for rule in policy["spec"].get("ingress") or []:
        peers = rule.get("from")
        if not peers:
            return True  # a rule without peers admits everyone
        for peer in peers:
            if "namespaceSelector" in peer or "ipBlock" in peer:
                continue
            if selects(peer.get("podSelector") or {}, pod_labels):
                return True
    return False


def main():
    started = time.monotonic()
    build = run([CONTROL_PLANE / "build.sh", "--print-env"], os.environ, check=False)
    if build.returncode != 0:
        print("building the control plane (testing/control-plane/build.sh) ...", file=sys.stderr)
        subprocess.run([CONTROL_PLANE / "build.sh"], stdout=sys.stderr, check=True)
    state = Path(tempfile.mkdtemp(prefix="appspark-notebooks-k8s."))
    try:
        start = run([CONTROL_PLANE / "start.sh", state], os.environ, check=False)
        if not report(start.returncode == 0, "the control plane starts (kube-apiserver, kwok nodes)"):
            print(start.stdout[-3000:], start.stderr[-3000:], file=sys.stderr)
            return 1
        checks(state)
    finally:
        run([CONTROL_PLANE / "stop.sh", state, "--purge"], os.environ, check=False)
    print(f"kubernetes: {sum(results)} of {len(results)} checks passed in "
          f"{time.monotonic() - started:.0f}s", file=sys.stderr)
    return 0 if all(results) else 1


def checks(state):
    cp = read_env(state / "env")
    env = dict(os.environ, KUBECONFIG=cp["KUBECONFIG"])
    kubectl = cp["KUBECTL"]

    def k(*args, stdin=None, check=True):
        return run([kubectl, *args], env, stdin=stdin, check=check)

    def get(kind, name=None, selector=None):
        args = ["get", kind, "-n", NAMESPACE, "-o", "json"]
        if name:
            args.insert(2, name)
        if selector:
            args += ["-l", selector]
        return json.loads(k(*args).stdout)

    # The app: its namespace, its Deployment (the cluster's owner) and its Secrets.
    auth_value = secrets.token_hex(24)
    token_value = secrets.token_hex(16)
    k("create", "namespace", NAMESPACE)
    k("apply", "-f", "-", stdin=OWNER)
    k("create", "secret", "generic", AUTH_SECRET, "-n", NAMESPACE, f"--from-literal=secret={auth_value}")
    k("create", "secret", "generic", f"{CLUSTER}-jupyterlab", "-n", NAMESPACE,
      f"--from-literal=token={token_value}")

    # The cluster, rendered by appspark from a spec asking for a Spark Connect server; the owner's
    # uid and pod labels are read from the API.
    spec = state / "cluster.yaml"
    spec.write_text(SPEC)
    render = run([ROOT / "appspark", "render", "-f", spec, "-n", NAMESPACE,
                  "--owner", f"deployment/{CLUSTER}"], env, check=False)
    rendered = render.stdout
    report(render.returncode == 0
           and re.search(rf'^kind: "?Service"?$\n(.*\n)*?  name: "?{CLUSTER}-spark-connect"?$',
                         rendered, re.M)
           and not re.search(r'^kind: "?Secret"?$', rendered, re.M),
           f"./appspark render of a spec with connect.enabled has the Connect server and no "
           f"Secret{'' if render.returncode == 0 else ': ' + render.stderr.strip()[-500:]}")
    notebook = k("kustomize", NOTEBOOKS / "deploy" / "example", check=False)
    report(notebook.returncode == 0, "kubectl kustomize renders the example app with the component"
           + ("" if notebook.returncode == 0 else ": " + notebook.stderr.strip()))
    manifests = state / "manifests.yaml"
    manifests.write_text(rendered + "\n---\n" + notebook.stdout)

    apply = ["apply", "--server-side", "--field-manager=appspark-notebook-tests", "-f", manifests]
    dry = k(*apply, "--dry-run=server", "-o", "json", check=False)
    dry_items = json.loads(dry.stdout).get("items", []) if dry.returncode == 0 else []
    kinds = sorted(f"{o['kind']}/{o['metadata']['name']}" for o in dry_items)
    report(dry.returncode == 0 and len(dry_items) >= 10,
           f"server-side dry run accepts all {len(dry_items)} objects"
           + (f" ({', '.join(kinds)})" if dry.returncode == 0 else ": " + dry.stderr.strip()))
    real = k(*apply, check=False)
    if not report(real.returncode == 0, "server-side apply to the kube-apiserver"
                  + ("" if real.returncode == 0 else ": " + real.stderr.strip())):
        return

    def running_pod(selector):
        pods = get("pods", selector=selector)["items"]
        running = [p for p in pods if p["status"].get("phase") == "Running"
                   and not p["metadata"].get("deletionTimestamp")]
        return running[0] if running else None

    pod = await_value("the JupyterLab pod", lambda: running_pod("app.kubernetes.io/name=jupyterlab"))
    node = json.loads(k("get", "node", pod["spec"]["nodeName"], "-o", "json").stdout) if pod else None
    if not report(pod and node["metadata"]["labels"].get("type") == "kwok",
                  "the JupyterLab pod is Running on a kwok node"
                  + (f" ({pod['metadata']['name']} on {pod['spec']['nodeName']})" if pod else "")):
        return
    spark_pods = {role: await_value(role, lambda role=role: running_pod(
        f"appspark.io/cluster={CLUSTER},appspark.io/role={role}")) for role in ("master", "connect")}
    report(all(spark_pods.values()), "the cluster's master and Connect server pods are Running")

    spec_ = pod["spec"]
    container = next(c for c in spec_["containers"] if c["name"] == "jupyterlab")
    pod_sc, sc = spec_.get("securityContext") or {}, container.get("securityContext") or {}
    report(pod_sc.get("runAsNonRoot") is True and sc.get("allowPrivilegeEscalation") is False
           and sc.get("privileged") is not True and sc.get("readOnlyRootFilesystem") is True
           and (sc.get("capabilities") or {}).get("drop") == ["ALL"]
           and (pod_sc.get("seccompProfile") or {}).get("type") == "RuntimeDefault",
           f"the notebook pod runs non-root, no privilege escalation, no capabilities "
           f"(pod {pod_sc}, container {sc})")
    mounts = [m["mountPath"] for m in container.get("volumeMounts", [])]
    report(not any("serviceaccount" in m for m in mounts) and spec_.get("automountServiceAccountToken") is False,
           f"no Kubernetes API token is mounted in the notebook pod (mounts: {mounts})")

    # Its environment: the ConfigMap it loads (kustomize's hashed name) and its own entries.
    variables = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            variables.update(get("configmap", source["configMapRef"]["name"]).get("data", {}))
    env_entries = {e["name"]: e for e in container.get("env", [])}
    services = {o["metadata"]["name"]: o for o in dry_items if o["kind"] == "Service"}

    def url_matches(variable, scheme, role):
        url = variables.get(variable, "")
        if not url.startswith(scheme + "://"):
            return False, f"{variable}={url!r}"
        host, _, port = url[len(scheme) + 3:].partition(":")
        service = services.get(host.split(".")[0])
        if service is None:
            return False, f"{variable}={url}: no rendered Service {host}"
        ports = [p["port"] for p in service["spec"]["ports"]]
        live = get("service", host.split(".")[0])
        target = spark_pods.get(role)
        ok = (port.isdigit() and int(port) in ports and
              target is not None and selects({"matchLabels": live["spec"]["selector"]},
                                             target["metadata"]["labels"]))
        return ok, f"{variable}={url}, Service {host} ports {ports}, selects the {role} pod: {ok}"

    ok, detail = url_matches("APPSPARK_MASTER_URL", "spark", "master")
    report(ok, f"the notebook's master URL is the rendered master Service ({detail})")
    ok, detail = url_matches("APPSPARK_CONNECT_URL", "sc", "connect")
    report(ok, f"the notebook's Spark Connect URL is the rendered Connect Service ({detail})")

    def from_auth_secret(name):
        ref = ((env_entries.get(name) or {}).get("valueFrom") or {}).get("secretKeyRef") or {}
        return ref == {"name": AUTH_SECRET, "key": "secret"} and "value" not in env_entries[name]

    everything = k("get", "all,configmaps,networkpolicies,serviceaccounts,roles,rolebindings",
                   "-n", NAMESPACE, "-o", "json").stdout
    inlined = auth_value in everything or auth_value in rendered or auth_value in notebook.stdout
    report(from_auth_secret("APPSPARK_AUTH_SECRET") and "SPARK_CONNECT_AUTHENTICATE_TOKEN" not in env_entries
           and not inlined,
           f"the auth secret comes from Secret {AUTH_SECRET} (key secret) and is inlined nowhere "
           f"(APPSPARK_AUTH_SECRET: {env_entries.get('APPSPARK_AUTH_SECRET', {}).get('valueFrom')}, "
           f"in another object: {inlined})")

    resources = container.get("resources") or {}
    requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
    report(requests.get("cpu") and requests.get("memory") and limits.get("memory"),
           f"the notebook pod has resources (requests {requests}, limits {limits})")

    policy = get("networkpolicy", f"{CLUSTER}-spark")
    labels = pod["metadata"]["labels"]
    unlabelled = {key: v for key, v in labels.items() if key != "appspark.io/client"}
    guards_spark = all(selects(policy["spec"]["podSelector"], p["metadata"]["labels"])
                       for p in spark_pods.values() if p)
    report(guards_spark and admits(policy, labels, pod["metadata"]["namespace"])
           and not admits(policy, unlabelled, pod["metadata"]["namespace"]),
           f"the cluster's NetworkPolicy guards the Spark pods and admits the notebook pod by its "
           f"label appspark.io/client={labels.get('appspark.io/client')} (and not without it)")


if __name__ == "__main__":
    sys.exit(main())
