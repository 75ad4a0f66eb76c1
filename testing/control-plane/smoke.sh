#!/usr/bin/env bash
# Checks a control plane started by start.sh: a Deployment's pods are
# scheduled onto kwok nodes and Running; a cascading delete lets the garbage
# collector remove the ReplicaSet and Pods; RBAC answers `auth can-i` for a
# ServiceAccount; TokenRequest issues a token that authenticates.
#
# Usage: testing/control-plane/smoke.sh STATE_DIR
set -uo pipefail

die() { printf 'smoke.sh: ERROR: %s\n' "$*" >&2; exit 1; }
[[ $# -eq 1 && -f $1/env ]] || die "usage: $0 STATE_DIR (a directory start.sh has started)"
# shellcheck disable=SC1091
source "$1/env"
TIMEOUT=${APPSPARK_CP_TIMEOUT:-120}
NS=smoke-$$
k() { "$KUBECTL" "$@"; }

passed=0 failed=0
check() { # DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then
    passed=$((passed + 1)); printf 'ok   %s\n' "$what"
  else
    failed=$((failed + 1)); printf 'FAIL %s\n' "$what"
  fi
}
# poll DESCRIPTION COMMAND...: bounded wait for a condition (0.2 s interval).
poll() {
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.2 # poll interval
  done
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

k create namespace "$NS" >/dev/null || die "cannot create namespace $NS"

# --- Deployment -> ReplicaSet -> Pods on kwok nodes, Running -----------------
t=$(now)
k -n "$NS" create deployment web --image=appspark.invalid/web:1 --replicas=3 >/dev/null
all_running() {
  local out
  out=$(k -n "$NS" get pods -l app=web -o 'jsonpath={range .items[*]}{.spec.nodeName}{" "}{.status.phase}{"\n"}{end}')
  [[ $(grep -c '^kwok-node-[0-9]* Running$' <<<"$out") -eq 3 ]]
}
check "3 pods of the Deployment scheduled onto kwok nodes and Running" poll all_running
echo "     pods Running $(since "$t") s after the Deployment was created"
k -n "$NS" get pods -o wide
check "rollout status reports the Deployment available" \
  k -n "$NS" rollout status deployment/web --timeout="${TIMEOUT}s"

# --- cascading delete: the garbage collector removes ReplicaSet and Pods -----
rs=$(k -n "$NS" get rs -l app=web -o name)
check "the Deployment owns a ReplicaSet ($rs)" test -n "$rs"
t=$(now)
k -n "$NS" delete deployment web --cascade=foreground --wait=false >/dev/null
gone() { [[ -z $(k -n "$NS" get deployment,rs,pods -o name) ]]; }
check "Deployment, ReplicaSet and Pods removed by the garbage collector" poll gone
echo "     all gone $(since "$t") s after the cascading delete"

# Background cascade (kubectl's default): the Deployment goes at once, the
# garbage collector then deletes the orphaned ReplicaSet and its Pods.
k -n "$NS" create deployment bg --image=appspark.invalid/web:1 --replicas=2 >/dev/null
bg_running() { [[ $(k -n "$NS" get pods -l app=bg -o 'jsonpath={.items[*].status.phase}') == "Running Running" ]]; }
check "2 pods of a second Deployment Running" poll bg_running
k -n "$NS" delete deployment bg --cascade=background --wait=false >/dev/null
bg_gone() { [[ -z $(k -n "$NS" get rs,pods -l app=bg -o name) ]]; }
check "background cascade: the garbage collector removed its ReplicaSet and Pods" poll bg_gone

# Orphan: the ReplicaSet stays, without an owner reference.
k -n "$NS" create deployment orphan --image=appspark.invalid/web:1 --replicas=1 >/dev/null
orphan_rs() { [[ -n $(k -n "$NS" get rs -l app=orphan -o name) ]]; }
poll orphan_rs
k -n "$NS" delete deployment orphan --cascade=orphan --wait=false >/dev/null
orphan_kept() {
  [[ -z $(k -n "$NS" get deployment orphan --ignore-not-found -o name) ]] &&
    [[ -n $(k -n "$NS" get rs -l app=orphan -o name) ]] &&
    [[ -z $(k -n "$NS" get rs -l app=orphan -o 'jsonpath={.items[0].metadata.ownerReferences}') ]]
}
check "orphan delete: the ReplicaSet stays, its owner reference removed" poll orphan_kept
k -n "$NS" delete rs -l app=orphan --wait=false >/dev/null

# --- RBAC for a ServiceAccount ---------------------------------------------
k -n "$NS" create serviceaccount spark >/dev/null
k -n "$NS" create role pod-manager --verb=get,list,watch,create,delete --resource=pods >/dev/null
k -n "$NS" create rolebinding spark-pods --role=pod-manager --serviceaccount="$NS:spark" >/dev/null
SA=system:serviceaccount:$NS:spark
# `auth can-i` prints "yes" or "no", the latter maybe followed by " - reason".
answer_is() { local a; a=$("$@" 2>/dev/null); [[ ${a%% *} == "$EXPECT" ]]; }
canI() { answer_is k auth can-i "$@" --as="$SA"; }
EXPECT=yes check "can-i create pods -n $NS --as=$SA: yes" canI create pods -n "$NS"
EXPECT=no check "can-i create deployments -n $NS --as=$SA: no" canI create deployments.apps -n "$NS"
EXPECT=no check "can-i list pods -n default --as=$SA: no" canI list pods -n default
EXPECT=no check "can-i list nodes --as=$SA: no" canI list nodes

# Node authorization: a node identity may update node status (granted by the
# Node authorizer, not RBAC) but may not list all pods.
node_can() { answer_is k auth can-i "$@" --as=system:node:kwok-node-0 --as-group=system:nodes; }
EXPECT=yes check "Node authorizer: system:node:kwok-node-0 can patch nodes/status" node_can patch nodes/status
EXPECT=no check "Node authorizer: system:node:kwok-node-0 cannot list all pods" node_can list pods -A

# --- TokenRequest: a bound token for the ServiceAccount authenticates --------
token=$(k -n "$NS" create token spark --duration=10m)
check "TokenRequest returned a token" test -n "$token"
http() { curl -sS -o /dev/null -w '%{http_code}' --cacert "$CA_CERT" -H "Authorization: Bearer $token" "$APISERVER_URL$1"; }
check "the token lists pods in $NS (200)" test "$(http "/api/v1/namespaces/$NS/pods")" = 200
check "the token may not list deployments (403)" test "$(http "/apis/apps/v1/namespaces/$NS/deployments")" = 403
whoami=$(k --token="$token" --kubeconfig=/dev/null --server="$APISERVER_URL" --certificate-authority="$CA_CERT" auth whoami -o 'jsonpath={.status.userInfo.username}' 2>&1)
check "auth whoami with the token is $SA" test "$whoami" = "$SA"

# The serviceaccount-token controller fills a legacy token Secret.
k -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: spark-token
  annotations:
    kubernetes.io/service-account.name: spark
type: kubernetes.io/service-account-token
EOF
secret_filled() { [[ -n $(k -n "$NS" get secret spark-token -o 'jsonpath={.data.token}') ]]; }
check "the serviceaccount-token controller filled a token Secret" poll secret_filled

k delete namespace "$NS" --wait=false >/dev/null
echo "smoke: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
