#!/usr/bin/env bash
# Stops the node that testing/node/start.sh joined to the control plane in STATE_DIR, and undoes
# everything it made on the host: processes (pods and containers included), the mount namespace
# (and with it every mount), cgroups, the bridge and its route, its netfilter chains and tables
# (the NetworkPolicy enforcer's too), sysctls it changed (but ip_forward, which podman's networks
# need as well). Safe to run twice and after a failed start: it undoes only what
# STATE_DIR/node/created lists. Exits non-zero if something could not be undone.
#
# Usage: testing/node/stop.sh STATE_DIR [--keep-logs]
set -uo pipefail

log() { printf 'node/stop.sh: %s\n' "$*" >&2; }
[[ $# -ge 1 && -n $1 ]] || { log "usage: $0 STATE_DIR [--keep-logs]"; exit 2; }
[[ -d $1/node ]] || { log "no node in $1: nothing to stop"; exit 0; }
N=$(cd "$1/node" && pwd)
keep_logs=0
[[ ${2:-} == --keep-logs ]] && keep_logs=1
GRACE=${APPSPARK_CP_STOP_TIMEOUT:-15}
touch "$N/created"
made() { grep -qx "$1" "$N/created"; }
made_value() { sed -n "s/^$1 //p" "$N/created" | tail -n 1; }

# shellcheck source=testing/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/../processes.sh"
# stop NAME [SIGNAL]: the process of run/NAME.pid, SIGKILL if it outlives the grace period.
stop() {
  local name=$1 sig=${2:-TERM} f=$N/run/$1.pid pid
  [[ -f $f ]] || return 0
  pid=$(<"$f")
  if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid"; then
    kill "-$sig" "$pid" 2>/dev/null
    if ! wait_gone "$GRACE" "$pid"; then
      log "$name did not exit within ${GRACE}s of SIG$sig; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null
      wait_gone 10 "$pid" || { log "$name (pid $pid) survived SIGKILL"; rc=1; return; }
    fi
  fi
  rm -f "$f"
}
rc=0
holder=$(cat "$N/run/namespace.pid" 2>/dev/null || true)
in_ns() { [[ -n $holder ]] && alive "$holder" && nsenter -t "$holder" -m -- "$@"; }

stop netpol
netpol_table=$(made_value netpol)
if [[ -n $netpol_table ]] && nft list table inet "$netpol_table" >/dev/null 2>&1; then
  nft delete table inet "$netpol_table" || { log "could not delete the table inet $netpol_table"; rc=1; }
fi
stop kube-proxy
nft delete table ip kube-proxy 2>/dev/null
nft delete table ip6 kube-proxy 2>/dev/null
stop coredns
stop api-forward
stop kubelet
# Pods first (their network is torn down through CNI, their mounts released), then containerd.
if [[ -f $N/run/containerd.pid ]] && alive "$(<"$N/run/containerd.pid")"; then
  crictl=$(made_value crictl)
  if [[ -n $crictl ]]; then
    in_ns timeout 60 "$crictl" --config "$N/crictl.yaml" rmp -fa >/dev/null 2>&1 \
      || log "crictl rmp -fa failed; the cgroup sweep below ends what is left"
  fi
fi
stop containerd

# Whatever still runs in the node's cgroups (shims, containers of a crashed run) ends here.
mapfile -t cgroups < <(sed -n 's/^cgroup //p' "$N/created")
sweep=()
for cg in "${cgroups[@]}"; do
  [[ -d $cg ]] || continue
  while read -r p; do [[ -n $p ]] && sweep+=("$p"); done < <(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null)
done
# Shims re-parent to init and leave the node's cgroups: they are found by their binary.
for d in /proc/[0-9]*; do
  exe=$(readlink "$d/exe" 2>/dev/null) || continue
  [[ $exe == */containerd-shim-runc-v2 ]] || continue
  tr '\0' '\n' <"$d/cmdline" 2>/dev/null | grep -qF "$N/" && sweep+=("${d#/proc/}")
done
if [[ ${#sweep[@]} -gt 0 ]]; then
  mapfile -t sweep < <(printf '%s\n' "${sweep[@]}" | sort -un)
  log "ending ${#sweep[@]} leftover processes of the node: ${sweep[*]}"
  kill -KILL "${sweep[@]}" 2>/dev/null
  wait_gone 10 "${sweep[@]}" || { log "processes survived SIGKILL: ${sweep[*]}"; rc=1; }
fi
stop namespace KILL

# cgroups, deepest first
for cg in "${cgroups[@]}"; do
  [[ -d $cg ]] || continue
  find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null
  [[ -d $cg ]] && { log "cgroup $cg could not be removed"; rc=1; }
done

guard=$(made_value guard)
if [[ -n $guard ]]; then
  for ipt in iptables ip6tables; do
    while "$ipt" -D FORWARD -j "$guard" 2>/dev/null; do :; done
    "$ipt" -F "$guard" 2>/dev/null
    "$ipt" -X "$guard" 2>/dev/null
  done
fi
# The kubelet's own chains, unless they were there before the node started.
if made kubelet; then
  for ipt in iptables ip6tables; do
    for table in filter mangle nat; do
      for chain in KUBE-FIREWALL KUBE-IPTABLES-HINT KUBE-KUBELET-CANARY; do
        grep -qx "$ipt $table $chain" "$N/chains.before" 2>/dev/null && continue
        "$ipt" -t "$table" -S "$chain" >/dev/null 2>&1 || continue
        "$ipt" -t "$table" -S | awk -v c="$chain" '$1 == "-A" && $0 ~ ("-j " c "( |$)") { $1 = "-D"; print }' |
          while read -r -a rule; do "$ipt" -t "$table" "${rule[@]}" 2>/dev/null; done
        "$ipt" -t "$table" -F "$chain" 2>/dev/null
        "$ipt" -t "$table" -X "$chain" 2>/dev/null
      done
    done
  done
fi

bridge=$(made_value bridge)
if [[ -n $bridge ]] && ip link show "$bridge" >/dev/null 2>&1; then
  ip link delete "$bridge" || { log "could not delete the bridge $bridge"; rc=1; }
fi
# Pods' veth ends left behind by a crashed run go with the namespaces; the route went with the bridge.

if [[ -f $N/sysctls.saved ]]; then
  while read -r key value; do
    [[ $key == net/ipv4/ip_forward ]] && continue
    [[ -e /proc/sys/$key && $(<"/proc/sys/$key") != "$value" ]] && echo "$value" >"/proc/sys/$key"
  done <"$N/sysctls.saved"
fi

# The node object, while the control plane still answers (a restart makes a new one anyway).
if [[ -f $N/../env ]]; then
  # shellcheck disable=SC1091
  (source "$N/../env" && timeout 10 "$KUBECTL" delete node "$(hostname)" --ignore-not-found --wait=false >/dev/null 2>&1) || true
fi

if [[ $rc -ne 0 ]]; then
  log "ERROR: the node in $N was not wholly undone (see above)"
  exit 1
fi
if [[ $keep_logs -eq 1 ]]; then
  find "$N" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} + 2>/dev/null
else
  rm -rf "$N"
fi
log "stopped (nothing of the node is left)"
