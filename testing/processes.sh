# shellcheck shell=bash
# Sourced (not run) by the scripts that start and stop test servers as processes of their own
# (testing/control-plane/, testing/node/). The caller defines log and die, and sets RUN_DIR (pid
# files), LOG_DIR (logs), TIMEOUT (seconds per wait) and T_REF (the start the waits report from).
#   alive PID                     the process exists and is not a zombie
#   free_port                     a free loopback port below the ephemeral range, not handed out before
#   launch NAME COMMAND...        in a session of its own, output to LOG_DIR/NAME.log, pid in RUN_DIR/NAME.pid
#   wait_for WHAT NAME COMMAND... bounded poll of COMMAND; fails at once if NAME's process died
#   wait_gone SECONDS PID...      bounded poll until every pid has exited; fails on timeout
#   now / since START             wall-clock seconds

alive() { [[ -e /proc/$1 ]] && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

declare -A taken_ports=()
# Random loopback ports below the kernel's ephemeral range (so that outgoing connections do not
# take them meanwhile), skipping ones that answer. Call it as PORT=$(free_port); mark_taken PORT.
free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 12000))
    [[ -z ${taken_ports[$p]:-} ]] || continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "no free loopback port found"
}
mark_taken() { taken_ports[$1]=1; }

launch() {
  local name=$1; shift
  setsid "$@" >"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
  started=1
}

wait_for() {
  local what=$1 name=$2 deadline pid
  shift 2
  pid=$(<"$RUN_DIR/$name.pid")
  deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$pid"; then
      log "$name exited while waiting for $what; last lines of $LOG_DIR/$name.log:"
      tail -n 25 "$LOG_DIR/$name.log" >&2 || true
      die "$name died"
    fi
    if ((SECONDS >= deadline)); then
      log "last lines of $LOG_DIR/$name.log:"
      tail -n 25 "$LOG_DIR/$name.log" >&2 || true
      die "timed out after ${TIMEOUT}s waiting for $what"
    fi
    sleep 0.2 # poll interval
  done
  log "$what: ok at +$(since "$T_REF")s"
}

wait_gone() {
  local deadline=$((SECONDS + $1)) p left
  shift
  while :; do
    left=0
    for p in "$@"; do alive "$p" && left=1; done
    ((left == 0)) && return 0
    ((SECONDS >= deadline)) && return 1
    sleep 0.1 # poll interval
  done
}
