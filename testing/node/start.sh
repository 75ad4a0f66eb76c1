#!/usr/bin/env bash
# Joins one real Kubernetes node to a control plane that testing/control-plane/start.sh started:
# containerd + runc, a CNI bridge, the kubelet, kube-proxy (nftables), our NetworkPolicy enforcer
# (netpol/, table inet appspark-netpol) and CoreDNS, all as host processes.
#
# Usage: testing/node/start.sh STATE_DIR        (the control plane's state directory)
#   env: APPSPARK_NODE_BRIDGE (aspk0), APPSPARK_NODE_CIDR (10.250.0.0/24; the node takes its
#        first address), APPSPARK_CP_TIMEOUT (seconds per wait, 120)
#
# What it keeps off the host (see shared/real-node-notes.md):
#   - containerd and the kubelet run in one private mount namespace, held by
#     a process of ours: /run and /var/lib are private there (/var/log too), so every mount they
#     make and every file they keep in those places vanishes with the namespace; the three
#     sysctls the kubelet would rewrite are files of ours bind-mounted over /proc/sys there.
#   - pod traffic stays on this machine: a bridge for pods, the Service range routed onto it, and
#     a FORWARD guard chain that drops anything between the bridge and another interface. CoreDNS
#     answers cluster names only (no forwarding).
#   - nothing is pulled: every image is imported (testing/node/images.sh), the pause image too.
# The node is named after this machine's hostname (the apiserver reaches kubelets by hostname, which
# resolves to loopback here), labelled appspark.io/node=real. Writes STATE_DIR/node/env
# (NODE_NAME, NODE_IP, POD_CIDR, CRI_ENDPOINT, ...), timings and logs under STATE_DIR/node.
# Stop with testing/node/stop.sh STATE_DIR (also after a failed start; a failed start runs it).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { printf 'node/start.sh: %s\n' "$*" >&2; }
die() { printf 'node/start.sh: ERROR: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 1 && -f $1/env ]] || die "usage: $0 STATE_DIR (a directory testing/control-plane/start.sh has started)"
[[ $(id -u) -eq 0 ]] || die "must run as root (bridge, netfilter, cgroups, containers)"
STATE=$(cd "$1" && pwd)
# shellcheck disable=SC1091
source "$STATE/env"
N=$STATE/node
BRIDGE=${APPSPARK_NODE_BRIDGE:-aspk0}
CIDR=${APPSPARK_NODE_CIDR:-10.250.0.0/24}
TIMEOUT=${APPSPARK_CP_TIMEOUT:-120}
[[ $CIDR =~ ^([0-9]+\.[0-9]+\.[0-9]+)\.0/24$ ]] || die "APPSPARK_NODE_CIDR must be a /24 like 10.250.0.0/24, got '$CIDR'"
NODE_IP=${BASH_REMATCH[1]}.1
SERVICE_CIDR=10.96.0.0/16   # the control plane's --service-cluster-ip-range
DNS_IP=10.96.0.10
NODE_NAME=$(hostname)
getent hosts "$NODE_NAME" >/dev/null || die "this machine's hostname '$NODE_NAME' does not resolve: the apiserver reaches kubelets by it"

cp_env=$("$HERE/../control-plane/build.sh" --print-env) || die "the control plane is not built: run testing/control-plane/build.sh"
node_env=$("$HERE/build.sh" --print-env) || die "the node is not built: run $HERE/build.sh first"
eval "$cp_env"
eval "$node_env"
[[ -x $KUBE_BIN/kubelet && -x $KUBE_BIN/kube-proxy ]] || die "kubelet/kube-proxy missing in $KUBE_BIN: run testing/control-plane/build.sh"
PKI=$STATE/pki
k() { "$KUBECTL" "$@"; }

# Refuse to start twice, or beside another node of this machine (the bridge is machine-wide).
for f in "$N"/run/*.pid; do
  [[ -e $f ]] || continue
  pid=$(<"$f")
  [[ -e /proc/$pid ]] && die "a node is already running in $N (pid $pid from ${f##*/}); stop it with $HERE/stop.sh $STATE"
done
ip link show "$BRIDGE" >/dev/null 2>&1 && die "the bridge $BRIDGE exists: another node runs on this machine (or one was not stopped: testing/node/stop.sh its STATE_DIR)"

rm -rf "$N"
mkdir -p "$N"/{run,logs,pki,cni/net.d,var-lib,var-log,sysctl}
started=0
on_exit() {
  local rc=$?
  if [[ $rc -ne 0 && $started -eq 1 ]]; then
    log "start failed; stopping what was started (logs stay in $N/logs)"
    "$HERE/stop.sh" "$STATE" --keep-logs >&2 || true
  fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# shellcheck source=testing/processes.sh
source "$HERE/../processes.sh"
RUN_DIR=$N/run LOG_DIR=$N/logs
T0=$(now)
T_REF=$T0
# created WHAT: stop.sh undoes exactly what this file lists, in reverse order.
created() { echo "$*" >>"$N/created"; started=1; }

KUBELET_PORT=$(free_port); mark_taken "$KUBELET_PORT"
KUBELET_HEALTHZ_PORT=$(free_port); mark_taken "$KUBELET_HEALTHZ_PORT"
PROXY_HEALTHZ_PORT=$(free_port); mark_taken "$PROXY_HEALTHZ_PORT"
PROXY_METRICS_PORT=$(free_port); mark_taken "$PROXY_METRICS_PORT"
COREDNS_HEALTH_PORT=$(free_port); mark_taken "$COREDNS_HEALTH_PORT"
NETPOL_HEALTHZ_PORT=$(free_port); mark_taken "$NETPOL_HEALTHZ_PORT"
NETPOL_TABLE=appspark-netpol
API_PROXY_PORT=6443   # on the node address: where pods reach the apiserver (the kubernetes Service)

# ---- credentials (signed by the control plane's CA) ----------------------------------
# client_cert NAME SUBJECT: a key and a client certificate, and NAME.kubeconfig for them.
client_cert() {
  local name=$1 subj=$2
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$N/pki/$name.key" 2>/dev/null
  chmod 600 "$N/pki/$name.key"
  openssl req -new -key "$N/pki/$name.key" -subj "$subj" -out "$N/pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$N/pki/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 30 -out "$N/pki/$name.crt" \
    -extfile <(printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n') 2>/dev/null \
    || die "openssl could not sign the certificate of $name"
  cat >"$N/$name.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: appspark
  cluster: {server: "$APISERVER_URL", certificate-authority: "$PKI/ca.crt"}
users:
- name: $name
  user: {client-certificate: "$N/pki/$name.crt", client-key: "$N/pki/$name.key"}
contexts:
- name: appspark
  context: {cluster: appspark, user: $name}
current-context: appspark
EOF
  chmod 600 "$N/$name.kubeconfig"
}
client_cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
client_cert kube-proxy "/CN=system:kube-proxy"
client_cert coredns "/CN=appspark:coredns"

# ---- host network: bridge, Service route, guard ------------------------------------
for s in net/ipv4/ip_forward net/bridge/bridge-nf-call-iptables net/bridge/bridge-nf-call-ip6tables; do
  [[ -e /proc/sys/$s ]] && echo "$s $(<"/proc/sys/$s")" >>"$N/sysctls.saved"
done
ip link add "$BRIDGE" type bridge || die "cannot create the bridge $BRIDGE"
created bridge "$BRIDGE"
ip addr add "$NODE_IP/24" dev "$BRIDGE"
ip link set "$BRIDGE" up
# Service addresses that no rule translates stay on the bridge instead of taking the default route.
ip route add "$SERVICE_CIDR" dev "$BRIDGE" src "$NODE_IP"
GUARD=APPSPARK-NODE-GUARD-$BRIDGE
for ipt in iptables ip6tables; do
  for chain in KUBE-FIREWALL KUBE-IPTABLES-HINT KUBE-KUBELET-CANARY; do
    for table in filter mangle nat; do
      "$ipt" -t "$table" -S "$chain" >/dev/null 2>&1 && echo "$ipt $table $chain" >>"$N/chains.before"
    done
  done
done
touch "$N/chains.before"
iptables -N "$GUARD"
created guard "$GUARD"
iptables -A "$GUARD" -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
iptables -A "$GUARD" -i "$BRIDGE" -j DROP
iptables -A "$GUARD" -o "$BRIDGE" -j DROP
iptables -I FORWARD 1 -j "$GUARD"
ip6tables -N "$GUARD"
ip6tables -A "$GUARD" -i "$BRIDGE" -j DROP
ip6tables -A "$GUARD" -o "$BRIDGE" -j DROP
ip6tables -I FORWARD 1 -j "$GUARD"

cat >"$N/cni/net.d/10-appspark.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "appspark-node",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$CIDR", "gateway": "$NODE_IP"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF

# ---- cgroups ------------------------------------------------------------------------------
# The kubelet's cgroupRoot, made in every v1 hierarchy first (cpuset needs its cpus and mems).
CGROUP_ROOT=/appspark-node-$BRIDGE
for h in /sys/fs/cgroup/*/; do
  h=${h%/}
  [[ ${h##*/} == unified ]] && continue
  mountpoint -q "$h" || continue
  mkdir -p "$h$CGROUP_ROOT"
  created cgroup "$h$CGROUP_ROOT"
  if [[ -e $h/cpuset.cpus ]]; then
    cat "$h/cpuset.cpus" >"$h$CGROUP_ROOT/cpuset.cpus"
    cat "$h/cpuset.mems" >"$h$CGROUP_ROOT/cpuset.mems"
  fi
done

# ---- the private mount namespace -----------------------------------------------------------
# Values the kubelet would otherwise write to the host's sysctls, already as it wants them.
echo 1 >"$N/sysctl/overcommit_memory"
echo 10 >"$N/sysctl/panic"
echo 1 >"$N/sysctl/panic_on_oops"
cat >"$N/namespace.sh" <<EOF
set -e
mount -t tmpfs -o mode=755 tmpfs /run
mount --bind "$N/var-lib" /var/lib
mount --bind "$N/var-log" /var/log
mount --bind "$N/sysctl/overcommit_memory" /proc/sys/vm/overcommit_memory
mount --bind "$N/sysctl/panic" /proc/sys/kernel/panic
mount --bind "$N/sysctl/panic_on_oops" /proc/sys/kernel/panic_on_oops
touch "$N/run/namespace.ready"
exec sleep infinity
EOF
setsid unshare --mount --propagation private bash "$N/namespace.sh" >"$N/logs/namespace.log" 2>&1 </dev/null &
echo $! >"$N/run/namespace.pid"
created namespace
HOLDER=$(<"$N/run/namespace.pid")
in_ns() { nsenter -t "$HOLDER" -m -- "$@"; }

# launch_in_ns NAME COMMAND...: launch (processes.sh) inside the node's mount namespace.
launch_in_ns() {
  local name=$1; shift
  launch "$name" nsenter -t "$HOLDER" -m -- "$@"
}
wait_for "the private mount namespace" namespace test -e "$N/run/namespace.ready"

created crictl "$CRICTL_BIN/crictl"

# ---- containerd ------------------------------------------------------------------------------
SOCK=$N/containerd/containerd.sock
mkdir -p "$N/containerd"
cat >"$N/containerd/config.toml" <<EOF
version = 3
root = "$N/containerd/root"
state = "$N/containerd/state"
oom_score = 0
disabled_plugins = ["io.containerd.nri.v1.nri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.blockfile", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$SOCK"

[ttrpc]
  address = "$SOCK.ttrpc"

[plugins]
  [plugins.'io.containerd.cri.v1.images']
    snapshotter = "overlayfs"
    image_pull_progress_timeout = "1m"
    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = "$PAUSE_IMAGE"

  [plugins.'io.containerd.cri.v1.runtime']
    enable_selinux = false
    disable_apparmor = true
    restrict_oom_score_adj = true
    tolerate_missing_hugetlb_controller = true
    disable_hugetlb_controller = true
    netns_mounts_under_state_dir = true
    [plugins.'io.containerd.cri.v1.runtime'.containerd]
      default_runtime_name = "runc"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
          BinaryName = "$RUNC"
          SystemdCgroup = false
    [plugins.'io.containerd.cri.v1.runtime'.cni]
      bin_dirs = ["$CNI_BIN"]
      conf_dir = "$N/cni/net.d"

  [plugins.'io.containerd.grpc.v1.cri']
    disable_tcp_service = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
EOF
launch_in_ns containerd env PATH="$CONTAINERD_BIN:$PATH" "$CONTAINERD_BIN/containerd" --config "$N/containerd/config.toml"
CTR=("$CONTAINERD_BIN/ctr" --address "$SOCK" -n k8s.io)
wait_for "containerd answers" containerd in_ns "${CTR[@]}" version
in_ns "${CTR[@]}" images import --no-unpack=false "$PAUSE_TAR" >/dev/null || die "could not import the pause image"
in_ns "${CTR[@]}" images label "$PAUSE_IMAGE" io.cri-containerd.pinned=pinned >/dev/null 2>&1 || true
cat >"$N/crictl.yaml" <<EOF
runtime-endpoint: unix://$SOCK
image-endpoint: unix://$SOCK
timeout: 30
EOF
CRI_OK() { in_ns "$CRICTL_BIN/crictl" --config "$N/crictl.yaml" info; }
wait_for "containerd's CRI plugin" containerd CRI_OK

# ---- cluster objects the node needs ----------------------------------------------------------
# Pods reach the apiserver through the kubernetes Service: its address is the node address, where
# a small forwarder passes connections on to the apiserver's loopback port.
launch api-forward socat "TCP-LISTEN:$API_PROXY_PORT,bind=$NODE_IP,fork,reuseaddr" "TCP:127.0.0.1:${APISERVER_URL##*:}"
k apply -f - >/dev/null <<EOF || die "could not create the node's cluster objects"
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kubernetes-appspark-node
  namespace: default
  labels: {kubernetes.io/service-name: kubernetes, endpointslice.kubernetes.io/managed-by: appspark-node}
addressType: IPv4
endpoints: [{addresses: ["$NODE_IP"], conditions: {ready: true}}]
ports: [{name: https, port: $API_PROXY_PORT, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns, kubernetes.io/name: CoreDNS}
spec:
  clusterIP: $DNS_IP
  ports:
  - {name: dns, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, protocol: TCP}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kube-dns-appspark-node
  namespace: kube-system
  labels: {kubernetes.io/service-name: kube-dns, endpointslice.kubernetes.io/managed-by: appspark-node}
addressType: IPv4
endpoints: [{addresses: ["$NODE_IP"], conditions: {ready: true}}]
ports:
- {name: dns, port: 53, protocol: UDP}
- {name: dns-tcp, port: 53, protocol: TCP}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: appspark:coredns}
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: appspark:coredns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: appspark:coredns}
subjects: [{kind: User, name: "appspark:coredns"}]
EOF

# ---- kubelet -----------------------------------------------------------------------------------
cat >"$N/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupsPerQOS: true
cgroupRoot: $CGROUP_ROOT
enforceNodeAllocatable: [pods]
failSwapOn: false
localStorageCapacityIsolation: true
protectKernelDefaults: false
containerRuntimeEndpoint: unix://$SOCK
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: ""
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 200Mi, nodefs.available: 2%, imagefs.available: 2%, nodefs.inodesFree: 2%}
serializeImagePulls: false
rotateCertificates: false
registerNode: true
nodeStatusUpdateFrequency: 4s
syncFrequency: 10s
fileCheckFrequency: 20s
maxPods: 60
podLogsDir: /var/log/pods
EOF
launch_in_ns kubelet "$KUBE_BIN/kubelet" --config="$N/kubelet.yaml" --kubeconfig="$N/kubelet.kubeconfig" \
  --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" --node-labels=appspark.io/node=real \
  --cert-dir="$N/pki/kubelet-serving" --v=1
created kubelet
node_ready() {
  [[ $(k get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}') == True ]]
}
wait_for "node $NODE_NAME Ready" kubelet node_ready
T_NODE=$(since "$T0")

# ---- kube-proxy, the NetworkPolicy enforcer, CoreDNS ------------------------------------
cat >"$N/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$N/kube-proxy.kubeconfig"}
hostnameOverride: "$NODE_NAME"
mode: nftables
clusterCIDR: "$CIDR"
healthzBindAddress: "127.0.0.1:$PROXY_HEALTHZ_PORT"
metricsBindAddress: "127.0.0.1:$PROXY_METRICS_PORT"
nodePortAddresses: ["$NODE_IP/32"]
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {localhostNodePorts: false}
EOF
launch kube-proxy "$KUBE_BIN/kube-proxy" --config="$N/kube-proxy.yaml" --v=1
proxy_ok() { curl -sf --max-time 2 "http://127.0.0.1:$PROXY_HEALTHZ_PORT/healthz"; }
wait_for "kube-proxy /healthz" kube-proxy proxy_ok

# NetworkPolicy on the forward hook after kube-proxy's DNAT (netpol/ruleset says how); traffic
# from the node, and from pods to the node's address, is not filtered. It deletes its table
# when it stops; stop.sh does too, in case it could not.
created netpol "$NETPOL_TABLE"
launch netpol "$NETPOL_BIN/appspark-netpol" --kubeconfig="$KUBECONFIG" --table="$NETPOL_TABLE" \
  --node-ips="$NODE_IP" --healthz-addr="127.0.0.1:$NETPOL_HEALTHZ_PORT" --v=1
netpol_ok() { curl -sf --max-time 2 "http://127.0.0.1:$NETPOL_HEALTHZ_PORT/healthz"; }
wait_for "the NetworkPolicy enforcer's first sync" netpol netpol_ok

cat >"$N/Corefile" <<EOF
cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {
    bind $NODE_IP
    errors
    health 127.0.0.1:$COREDNS_HEALTH_PORT
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $N/coredns.kubeconfig appspark
        pods insecure
        ttl 5
    }
    cache 5
}
.:53 {
    bind $NODE_IP
    template ANY ANY {
        rcode NXDOMAIN
    }
}
EOF
launch coredns "$COREDNS_BIN/coredns" -conf "$N/Corefile"
dns_ok() { curl -sf --max-time 2 "http://127.0.0.1:$COREDNS_HEALTH_PORT/health"; }
wait_for "CoreDNS /health" coredns dns_ok

T_ALL=$(since "$T0")

cat >"$N/env" <<EOF
NODE_NAME=$NODE_NAME
NODE_IP=$NODE_IP
POD_CIDR=$CIDR
NODE_BRIDGE=$BRIDGE
CRI_ENDPOINT=unix://$SOCK
CONTAINERD_SOCK=$SOCK
CRICTL_CONFIG=$N/crictl.yaml
NODE_NAMESPACE_PID=$HOLDER
KUBELET_PORT=$KUBELET_PORT
PAUSE_IMAGE=$PAUSE_IMAGE
NETPOL_TABLE=$NETPOL_TABLE
EOF
cat >"$N/timings" <<EOF
# seconds from the start of node/start.sh
node_ready_s=$T_NODE
all_ready_s=$T_ALL
EOF
log "node $NODE_NAME Ready at ${T_NODE}s, kube-proxy, the NetworkPolicy enforcer and CoreDNS at ${T_ALL}s (stop: $HERE/stop.sh $STATE)"
cat "$N/env"
