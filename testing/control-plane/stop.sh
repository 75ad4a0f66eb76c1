#!/usr/bin/env bash
# Stops the control plane that start.sh started in STATE_DIR and makes sure no
# process of it is left: SIGTERM in reverse start order, SIGKILL for any that
# has not exited within APPSPARK_CP_STOP_TIMEOUT seconds (default 15).
# Only processes whose pid file is in STATE_DIR/run, or whose command line
# names STATE_DIR and whose executable is one of the built binaries, are
# signalled. Safe to run twice. Exits non-zero if something survived.
#
# Usage: testing/control-plane/stop.sh STATE_DIR [--purge]
#   --purge  also delete STATE_DIR afterwards
set -uo pipefail

log() { printf 'stop.sh: %s\n' "$*" >&2; }
die() { printf 'stop.sh: ERROR: %s\n' "$*" >&2; exit 1; }

[[ $# -ge 1 && -n $1 ]] || die "usage: $0 STATE_DIR [--purge]"
purge=0
[[ ${2:-} == --purge ]] && purge=1
[[ -d $1 ]] || { log "no state directory $1: nothing to stop"; exit 0; }
STATE=$(cd "$1" && pwd)
RUN=$STATE/run
GRACE=${APPSPARK_CP_STOP_TIMEOUT:-15}
CACHE=${APPSPARK_CACHE:-$HOME/.cache/appspark}
# shellcheck source=testing/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/../processes.sh"

# ours PID: the process's command line mentions the state directory.
ours() { tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "$STATE/"; }

stop_pids() { # NAME PID...
  local name=$1 p
  shift
  [[ $# -gt 0 ]] || return 0
  kill -TERM "$@" 2>/dev/null
  if ! wait_gone "$GRACE" "$@"; then
    log "$name did not exit within ${GRACE}s of SIGTERM; sending SIGKILL"
    for p in "$@"; do alive "$p" && kill -KILL "$p" 2>/dev/null; done
    wait_gone 10 "$@" || log "$name (pid $*) survived SIGKILL"
  fi
}

rc=0
for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  f=$RUN/$name.pid
  [[ -f $f ]] || continue
  pid=$(<"$f")
  if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && ours "$pid"; then
    log "stopping $name (pid $pid)"
    stop_pids "$name" "$pid"
  fi
  if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && ours "$pid"; then
    rc=1
  else
    rm -f "$f"
  fi
done

# Safety net for lost pid files: a process that runs one of the built
# binaries and names this state directory on its command line.
stray=()
for d in /proc/[0-9]*; do
  p=${d#/proc/}
  exe=$(readlink "$d/exe" 2>/dev/null) || continue
  [[ $exe == "$CACHE"/*/bin/* ]] || continue
  alive "$p" && ours "$p" && stray+=("$p")
done
if [[ ${#stray[@]} -gt 0 ]]; then
  log "stopping leftover processes of $STATE: ${stray[*]}"
  stop_pids leftovers "${stray[@]}"
  for p in "${stray[@]}"; do alive "$p" && rc=1; done
fi

if [[ $rc -ne 0 ]]; then
  log "ERROR: some processes of $STATE are still running"
  exit 1
fi
if [[ $purge -eq 1 ]]; then
  rm -rf "$STATE"
fi
log "stopped (no process of $STATE left)"
