#!/usr/bin/env bash
# The real node end to end, in one script: starts a control plane and a real node in STATE_DIR,
# imports the Spark image (building it first if needed), runs an in-app cluster's master and one
# worker as pods through `appspark up --kubernetes`, waits until the worker is registered (its
# real readiness probe), runs a small job from a driver pod, proves that a NetworkPolicy is
# enforced (an unlabelled client refused, a labelled one admitted, both by pod and by Service
# address, and the unlabelled one admitted again once the policy is gone), stops everything and
# ends with "node-smoke: N passed, M failed". Leaves nothing running, also when a step fails.
#
# Usage: testing/node/smoke.sh STATE_DIR
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
die() { printf 'node/smoke.sh: ERROR: %s\n' "$*" >&2; exit 1; }
[[ $# -eq 1 && -n $1 ]] || die "usage: $0 STATE_DIR"
mkdir -p "$1" || die "cannot create $1"
STATE=$(cd "$1" && pwd)
TIMEOUT=${APPSPARK_CP_TIMEOUT:-180}
NS=node-smoke
APP=shop

passed=0 failed=0
check() { # DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); printf 'ok   %s\n' "$what"
  else failed=$((failed + 1)); printf 'FAIL %s\n' "$what"; fi
}
poll() { # bounded wait for a condition
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.5 # poll interval
  done
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
finish() {
  "$HERE/down.sh" "$STATE" >&2 || failed=$((failed + 1))
  echo "node-smoke: $passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
trap 'finish; exit $?' EXIT

t=$(now)
"$HERE/up.sh" "$STATE" >"$STATE.up" || die "the test bed did not come up"
image=$(sed -n 's/^IMAGE=//p' "$STATE.up")
rm -f "$STATE.up"
echo "     control plane, node and image up in $(since "$t") s ($(tr '\n' ' ' <"$STATE/node/timings" | sed 's/#[^=]*start.sh //'))"
# shellcheck disable=SC1091
source "$STATE/env"
# shellcheck disable=SC1091
source "$STATE/node/env"
k() { "$KUBECTL" "$@"; }

# --- the app and its cluster ---------------------------------------------------------------------
k create namespace "$NS" >/dev/null
k -n "$NS" create deployment "$APP" --image="$PAUSE_IMAGE" >/dev/null
t=$(now)
check "appspark up --kubernetes: master and 1 worker" \
  "$ROOT/appspark" up --kubernetes -n "$NS" --owner "deployment/$APP" --image "$image" \
  --name "$APP" --workers 1 --no-autoscaler --timeout "$TIMEOUT"
worker_registered() {
  [[ $(k -n "$NS" get pods -l appspark.io/cluster=$APP,appspark.io/role=worker \
    -o 'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}') == True ]]
}
check "the worker pod Ready by its own probe (registered with the master)" poll worker_registered
echo "     up to worker registered: $(since "$t") s"
master_ready() { [[ $(k -n "$NS" get deployment "$APP-spark-master" -o 'jsonpath={.status.readyReplicas}') == 1 ]]; }
check "the master Ready by its own probe" master_ready

# --- a driver pod runs a job on the cluster ----------------------------------------------------------
k -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: churn-driver
  labels: {app: $APP}
spec:
  restartPolicy: Never
  securityContext: {runAsNonRoot: true, runAsUser: 1000450000, runAsGroup: 0, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: driver
    image: $image
    imagePullPolicy: Never
    args: [driver, io.appspark.examples.CustomerChurnDemo, "2000"]
    env:
    - {name: APPSPARK_MASTER_URL, value: "spark://$APP-spark-master:7077"}
    - {name: APPSPARK_CLUSTER, value: "$APP"}
    - {name: APPSPARK_DRIVER_CONF, value: /opt/spark/conf-mounted/spark-defaults.conf}
    - name: APPSPARK_AUTH_SECRET
      valueFrom: {secretKeyRef: {name: $APP-spark-auth, key: secret}}
    - name: SPARK_LOCAL_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    resources: {limits: {memory: 1536Mi}}
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}
    volumeMounts: [{name: tmp, mountPath: /tmp}, {name: driver-conf, mountPath: /opt/spark/conf-mounted}]
  volumes:
  - {name: tmp, emptyDir: {}}
  - name: driver-conf
    configMap: {name: $APP-spark-conf, items: [{key: driver-defaults.conf, path: spark-defaults.conf}]}
EOF
t=$(now)
driver_done() { [[ $(k -n "$NS" get pod churn-driver -o 'jsonpath={.status.phase}') =~ ^(Succeeded|Failed)$ ]]; }
poll driver_done
echo "     driver pod ended after $(since "$t") s"
k -n "$NS" logs churn-driver >"$STATE/driver.log" 2>&1
check "the driver pod succeeded" [ "$(k -n "$NS" get pod churn-driver -o 'jsonpath={.status.phase}')" = Succeeded ]
result_right() {
  grep -qE '^RESULT customers=2000 regions=5 auc=0\.[6-9]' "$STATE/driver.log" && return
  tail -n 20 "$STATE/driver.log" >&2
  return 1
}
check "the job's result is right" result_right
secret=$(k -n "$NS" get secret "$APP-spark-auth" -o 'jsonpath={.data.secret}' | base64 -d)
no_secret_in_logs() {
  local p
  for p in $(k -n "$NS" get pods -o name); do
    k -n "$NS" logs "$p" --all-containers 2>/dev/null | grep -qF "$secret" && { echo "secret in logs of $p" >&2; return 1; }
  done
  return 0
}
check "no pod's log holds the cluster's secret" no_secret_in_logs
check "appspark down --kubernetes" "$ROOT/appspark" down --kubernetes -n "$NS" --name "$APP"

# --- NetworkPolicy, enforced by the node's own enforcer (netpol/) -------------------------------------
NP=node-smoke-netpol
k create namespace "$NP" >/dev/null
client_pod() { # NAME LABELS: a pod that only sleeps, to connect from with kubectl exec
  cat <<EOF
---
apiVersion: v1
kind: Pod
metadata: {name: $1, labels: {$2}}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 1000450000, runAsGroup: 0, seccompProfile: {type: RuntimeDefault}}
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: $image
    imagePullPolicy: Never
    command: [sleep, infinity]
    resources: {limits: {memory: 32Mi}}
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}
EOF
}
# The server answers "hello" on 8080 (perl from the image; it has no nc or python).
{
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: server, labels: {app: server}}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 1000450000, runAsGroup: 0, seccompProfile: {type: RuntimeDefault}}
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: $image
    imagePullPolicy: Never
    command: [perl, -MIO::Socket::INET, -e, 'my \$s = IO::Socket::INET->new(LocalPort => 8080, Listen => 16, ReuseAddr => 1) or die "listen: \$!"; while (my \$c = \$s->accept) { print \$c "hello\n"; close \$c }']
    ports: [{name: hello, containerPort: 8080}]
    readinessProbe: {tcpSocket: {port: hello}, periodSeconds: 1, failureThreshold: 1}
    resources: {limits: {memory: 32Mi}}
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}
---
apiVersion: v1
kind: Service
metadata: {name: server}
spec: {selector: {app: server}, ports: [{port: 80, targetPort: hello}]}
EOF
  client_pod client "role: client"
  client_pod stranger "app: stranger"
} | k -n "$NP" apply -f - >/dev/null
pods_ready() { k -n "$NP" wait --for=condition=Ready pod/server pod/client pod/stranger --timeout="${TIMEOUT}s" >/dev/null; }
check "netpol: a server pod, a labelled and an unlabelled client pod Ready" pods_ready
server_ip=$(k -n "$NP" get pod server -o 'jsonpath={.status.podIP}')
service_ip=$(k -n "$NP" get service server -o 'jsonpath={.spec.clusterIP}')
reach() { # POD ADDRESS PORT: POD gets the server's hello at ADDRESS:PORT (a dropped SYN ends at 2 s)
  [[ $(k -n "$NP" exec "$1" -- timeout 2 bash -c "exec 3<>/dev/tcp/$2/$3 && head -c 5 <&3" 2>/dev/null) == hello ]]
}
reaches_both() { reach "$1" "$server_ip" 8080 && reach "$1" "$service_ip" 80; }
refused_both() { ! reach "$1" "$server_ip" 8080 && ! reach "$1" "$service_ip" 80; }
soon() { # bounded wait for a change the enforcer applies (it debounces 100 ms, then runs nft)
  local deadline=$((SECONDS + 20))
  until "$@"; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.5 # poll interval
  done
}
check "netpol: without a policy the unlabelled client reaches the server (pod and Service address)" \
  reaches_both stranger
k -n "$NP" apply -f - >/dev/null <<EOF
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: clients-only}
spec:
  podSelector: {matchLabels: {app: server}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {role: client}}}], ports: [{port: hello}]}]
EOF
t=$(now)
check "netpol: a policy admitting role=client only refuses the unlabelled client (pod and Service address)" \
  soon refused_both stranger
echo "     refused, seen $(since "$t") s after the policy was created (a refused try waits 2 s)"
check "netpol: the labelled client gets through (pod and Service address)" reaches_both client
server_ready() { [[ $(k -n "$NP" get pod server -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}') == True ]]; }
check "netpol: the server stays Ready under the policy (the kubelet probes from the node)" server_ready
k -n "$NP" delete networkpolicy clients-only >/dev/null
check "netpol: with the policy deleted the unlabelled client gets through again" soon reaches_both stranger
k delete namespace "$NP" --wait=false >/dev/null
