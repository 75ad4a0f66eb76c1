#!/usr/bin/env bash
# Starts a throwaway Kubernetes control plane for tests, all on loopback:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok
# (which plays the kubelet of N fake nodes), with every file in STATE_DIR.
#
# Usage: testing/control-plane/start.sh STATE_DIR
#   env: KWOK_NODES (default 3), KWOK_NODE_CPU (8), KWOK_NODE_MEMORY (32Gi),
#        KWOK_NODE_PODS (110), APPSPARK_CP_TIMEOUT (seconds per wait, 120),
#        KWOK_LOG_LEVEL (WARN; INFO logs every lease renewal),
#        APPSPARK_CACHE (where build.sh put the binaries)
# Writes STATE_DIR/kubeconfig (cluster admin, group system:masters),
# STATE_DIR/env (shell-sourceable: KUBECONFIG, KUBECTL, APISERVER_URL, ports),
# STATE_DIR/timings, logs in STATE_DIR/logs, pids in STATE_DIR/run.
# Stop with testing/control-plane/stop.sh STATE_DIR. A failed start stops
# whatever it had started and exits non-zero.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { printf 'start.sh: %s\n' "$*" >&2; }
die() { printf 'start.sh: ERROR: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 1 && -n $1 ]] || die "usage: $0 STATE_DIR"
mkdir -p "$1" || die "cannot create state directory $1"
STATE=$(cd "$1" && pwd)
NODES=${KWOK_NODES:-3}
NODE_CPU=${KWOK_NODE_CPU:-8}
NODE_MEMORY=${KWOK_NODE_MEMORY:-32Gi}
NODE_PODS=${KWOK_NODE_PODS:-110}
TIMEOUT=${APPSPARK_CP_TIMEOUT:-120}
KWOK_LOG_LEVEL=${KWOK_LOG_LEVEL:-WARN}
[[ $NODES =~ ^[0-9]+$ ]] || die "KWOK_NODES must be a number, got '$NODES'"
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "APPSPARK_CP_TIMEOUT must be a number of seconds, got '$TIMEOUT'"

for tool in openssl curl; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is needed (apt-get install $tool)"
done
paths=$("$HERE/build.sh" --print-env) || die "the control-plane binaries are not built: run $HERE/build.sh first"
eval "$paths"
KUBECTL=$KUBE_BIN/kubectl

PKI=$STATE/pki RUN=$STATE/run LOGS=$STATE/logs

# Refuse to start twice in one state directory.
for f in "$RUN"/*.pid; do
  [[ -e $f ]] || continue
  pid=$(<"$f")
  if [[ -e /proc/$pid ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$STATE/"; then
    die "a control plane is already running in $STATE (pid $pid from ${f##*/}); stop it with $HERE/stop.sh $STATE"
  fi
done

# A fresh cluster every time: no old data, keys or logs.
rm -rf "$PKI" "$RUN" "$LOGS" "$STATE/etcd" "$STATE"/*.kubeconfig "$STATE/kubeconfig" "$STATE/env" "$STATE/timings" "$STATE/nodes.yaml"
mkdir -p "$PKI" "$RUN" "$LOGS"

started=0
on_exit() {
  local rc=$?
  if [[ $rc -ne 0 && $started -eq 1 ]]; then
    log "start failed; stopping what was started (logs stay in $LOGS)"
    "$HERE/stop.sh" "$STATE" >&2 || true
  fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# shellcheck source=testing/processes.sh
source "$HERE/../processes.sh"
RUN_DIR=$RUN LOG_DIR=$LOGS
T0=$(now)

# ---- ports ------------------------------------------------------------------
ETCD_PORT=$(free_port); mark_taken "$ETCD_PORT"
ETCD_PEER_PORT=$(free_port); mark_taken "$ETCD_PEER_PORT"
API_PORT=$(free_port); mark_taken "$API_PORT"
KCM_PORT=$(free_port); mark_taken "$KCM_PORT"
SCHED_PORT=$(free_port); mark_taken "$SCHED_PORT"
KWOK_PORT=$(free_port); mark_taken "$KWOK_PORT"
APISERVER_URL=https://127.0.0.1:$API_PORT

# ---- PKI (EC P-256, quick to generate) ---------------------------------------
# newkey FILE [rsa]: an EC P-256 key (quick to make), or RSA 2048 for the
# admin client key, which Java clients (fabric8) read without BouncyCastle.
newkey() {
  local opts=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256)
  [[ ${2:-} == rsa ]] && opts=(-algorithm RSA -pkeyopt rsa_keygen_bits:2048)
  openssl genpkey "${opts[@]}" -out "$1" 2>/dev/null || die "openssl genpkey failed for $1"
  chmod 600 "$1"
}
# newca NAME CN: a self-signed CA
newca() {
  newkey "$PKI/$1.key"
  openssl req -x509 -new -key "$PKI/$1.key" -subj "/CN=$2" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$PKI/$1.crt" 2>/dev/null || die "openssl could not make the CA $1"
}
# sign NAME SUBJECT EXTENSIONS [CA [KEYTYPE]]: a key and a certificate signed by CA (default ca)
sign() {
  local name=$1 subj=$2 ext=$3 ca=${4:-ca}
  newkey "$PKI/$name.key" "${5:-}"
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null \
    || die "openssl req failed for $name"
  printf '%b\n' "$ext" >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null \
    || die "openssl x509 failed for $name"
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}
newca ca appspark-test-ca
# Separate CA for the aggregation-layer front proxy (request-header authentication).
newca front-proxy-ca appspark-test-front-proxy-ca
SERVER_EXT='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth'
CLIENT_EXT='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'
sign apiserver "/CN=kube-apiserver" \
  "$SERVER_EXT\nsubjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
sign admin "/O=system:masters/CN=appspark-admin" "$CLIENT_EXT" ca rsa
sign kube-controller-manager "/CN=system:kube-controller-manager" "$CLIENT_EXT"
sign kube-scheduler "/CN=system:kube-scheduler" "$CLIENT_EXT"
# kwok acts for every fake node's kubelet (status, leases, pod deletion).
sign kwok "/O=system:masters/CN=kwok-controller" "$CLIENT_EXT"
sign front-proxy-client "/CN=front-proxy-client" "$CLIENT_EXT" front-proxy-ca
# Service-account token signing pair.
newkey "$PKI/sa.key"
openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null || die "openssl could not derive sa.pub"

# kubeconfig FILE USER: certificates embedded, context "appspark"
kubeconfig() {
  local f=$1 user=$2
  b64() { base64 -w0 <"$1"; }
  cat >"$f" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: appspark
  cluster:
    server: $APISERVER_URL
    certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(b64 "$PKI/$user.crt")
    client-key-data: $(b64 "$PKI/$user.key")
contexts:
- name: appspark
  context:
    cluster: appspark
    user: $user
current-context: appspark
EOF
  chmod 600 "$f"
}
kubeconfig "$STATE/kubeconfig" admin
for c in kube-controller-manager kube-scheduler kwok; do kubeconfig "$STATE/$c.kubeconfig" "$c"; done
export KUBECONFIG=$STATE/kubeconfig

# ---- processes ----------------------------------------------------------------
get_ok() { # URL [curl args...]: the endpoint answers exactly "ok"
  local url=$1; shift
  [[ $(curl -sS --max-time 3 "$@" "$url") == ok ]]
}
api_get_ok() { get_ok "$APISERVER_URL$1" --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key"; }

T_SETUP=$(since "$T0") # ports, keys, certificates, kubeconfigs
T1=$(now)              # the control plane's own start-up is timed from here
T_REF=$T1
launch etcd "$ETCD_BIN/etcd" \
  --name=appspark --data-dir="$STATE/etcd" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="appspark=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state=new \
  --unsafe-no-fsync=true --log-level=warn
etcd_healthy() { [[ $(curl -sS --max-time 3 "http://127.0.0.1:$ETCD_PORT/health") == *'"health":"true"'* ]]; }
wait_for "etcd /health" etcd etcd_healthy
T_ETCD=$(since "$T1")

launch kube-apiserver "$KUBE_BIN/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
  --cert-dir="$PKI" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction,OwnerReferencesPermissionEnforcement \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-cluster-ip-range=10.96.0.0/16 --endpoint-reconciler-type=none \
  --allow-privileged=true --profiling=false
wait_for "kube-apiserver /readyz" kube-apiserver api_get_ok /readyz
T_API=$(since "$T1")

launch kube-controller-manager "$KUBE_BIN/kube-controller-manager" \
  --kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$PKI/kcm-serving" \
  --leader-elect=false --controllers='*' --use-service-account-credentials=true \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --cluster-name=appspark --node-monitor-period=1s --profiling=false
launch kube-scheduler "$KUBE_BIN/kube-scheduler" \
  --kubeconfig="$STATE/kube-scheduler.kubeconfig" \
  --authentication-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
  --authorization-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --cert-dir="$PKI/scheduler-serving" \
  --leader-elect=false --profiling=false
stage_args=()
for f in "$KWOK_STAGES"/*.yaml; do stage_args+=("--config=$f"); done
launch kwok "$KWOK_BIN/kwok" \
  --kubeconfig="$STATE/kwok.kubeconfig" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-lease-duration-seconds=40 --cidr=10.244.0.0/16 --node-ip=127.0.0.1 \
  --server-address="127.0.0.1:$KWOK_PORT" --v="$KWOK_LOG_LEVEL" "${stage_args[@]}"

# The fake nodes: kwok manages nodes with this annotation and makes them Ready.
for ((i = 0; i < NODES; i++)); do
  cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
    type: kwok
status:
  allocatable: {cpu: "$NODE_CPU", memory: "$NODE_MEMORY", pods: "$NODE_PODS"}
  capacity: {cpu: "$NODE_CPU", memory: "$NODE_MEMORY", pods: "$NODE_PODS"}
EOF
done >"$STATE/nodes.yaml"
if ((NODES > 0)); then
  "$KUBECTL" create -f "$STATE/nodes.yaml" >/dev/null || die "could not create the fake nodes"
fi

kcm_ok() { get_ok "https://127.0.0.1:$KCM_PORT/healthz" -k; }
sched_ok() { get_ok "https://127.0.0.1:$SCHED_PORT/healthz" -k; }
kwok_ok() { get_ok "http://127.0.0.1:$KWOK_PORT/healthz"; }
# Every fake node Ready and without the not-ready taint (so pods schedule).
nodes_ready() {
  local out
  out=$("$KUBECTL" get nodes -l type=kwok -o 'jsonpath={range .items[*]}{.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{" "}{.spec.taints[*].key}{"\n"}{end}') || return 1
  [[ $(grep -c ' True $' <<<"$out") -eq $NODES ]]
}
default_sa() { "$KUBECTL" -n default get serviceaccount default; }
wait_for "kube-controller-manager /healthz" kube-controller-manager kcm_ok
wait_for "kube-scheduler /healthz" kube-scheduler sched_ok
wait_for "kwok /healthz" kwok kwok_ok
wait_for "$NODES Ready untainted kwok nodes" kwok nodes_ready
wait_for "the default ServiceAccount" kube-controller-manager default_sa
T_ALL=$(since "$T1")

cat >"$STATE/env" <<EOF
export KUBECONFIG=$STATE/kubeconfig
KUBECTL=$KUBECTL
APISERVER_URL=$APISERVER_URL
ETCD_URL=http://127.0.0.1:$ETCD_PORT
KCM_PORT=$KCM_PORT
SCHEDULER_PORT=$SCHED_PORT
KWOK_PORT=$KWOK_PORT
CA_CERT=$PKI/ca.crt
EOF
cat >"$STATE/timings" <<EOF
# seconds; setup = ports + keys + certificates + kubeconfigs; the others
# count from the launch of etcd
setup_s=$T_SETUP
etcd_healthy_s=$T_ETCD
apiserver_readyz_s=$T_API
all_ready_s=$T_ALL
EOF
log "setup ${T_SETUP}s; from the launch of etcd: etcd healthy ${T_ETCD}s, kube-apiserver /readyz ok ${T_API}s, all components healthy and $NODES nodes Ready ${T_ALL}s"
log "control plane running: source $STATE/env  (stop: $HERE/stop.sh $STATE)"
cat "$STATE/env"
