#!/bin/bash
# entrypoint.sh ROLE [ARGS...]: starts one process of an appspark in-app Spark cluster.
#
#   master            standalone master
#   worker            standalone worker of SPARK_MASTER_URL; SIGTERM decommissions it first
#   connect           Spark Connect server, a driver on SPARK_MASTER_URL (default local[*])
#   history           history server
#   driver MAIN [ARGS]  a Spark driver in client mode on APPSPARK_MASTER_URL: MAIN from the
#                     examples jar or APPSPARK_DRIVER_CLASSPATH (apps using the appspark client
#                     take the secret from APPSPARK_AUTH_SECRET)
#   autoscaler        the cluster's autoscaler (jars in APPSPARK_AUTOSCALER_HOME); configured by
#                     its APPSPARK_AUTOSCALER_* variables, ARGS are its --options
#   exec CMD [ARGS]   CMD with the image's Spark environment (SPARK_HOME, SPARK_CONF_DIR, ...)
#
# The image runs it as `tini -- appspark-nss-wrapper entrypoint.sh ROLE`, so any UID with
# group 0 resolves to a user name. ARGS after master/worker/connect/history are passed to the
# Spark main class. Spark logs go to stdout; this script's own lines to stderr. The environment
# variables it reads are listed in spark-image/README.md.
set -euo pipefail

export SPARK_HOME=${SPARK_HOME:-/opt/spark}
export SPARK_SCALA_VERSION=${SPARK_SCALA_VERSION:-2.13}
conf_mount=${APPSPARK_CONF_MOUNT:-$SPARK_HOME/conf-mounted}
runtime_dir=${APPSPARK_RUNTIME_DIR:-${TMPDIR:-/tmp}/appspark-$$}
cgroup_root=${APPSPARK_CGROUP_ROOT:-/sys/fs/cgroup}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
autoscaler_home=${APPSPARK_AUTOSCALER_HOME:-/opt/appspark/autoscaler}
appspark_lib=${APPSPARK_LIB:-/opt/appspark/lib}

# The module openings Spark needs on Java 17 (the same list as the launcher's SparkCommands).
add_opens=(java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util
  java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs
  sun.security.action sun.util.calendar)

log() { echo "appspark-entrypoint: $*" >&2; }
die() { log "$*"; exit 2; }

# The memory this container may use, in MiB: the cgroup (v2, else v1) limit, capped by the
# machine's memory (an unlimited cgroup reports "max" or a huge number).
memory_limit_mib() {
  local limit=max machine
  if [ -r "$cgroup_root/memory.max" ]; then
    limit=$(<"$cgroup_root/memory.max")
  elif [ -r "$cgroup_root/memory/memory.limit_in_bytes" ]; then
    limit=$(<"$cgroup_root/memory/memory.limit_in_bytes")
  fi
  machine=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
  if [ "$limit" = max ] || [ $((limit / 1048576)) -ge "$machine" ]; then
    echo "$machine"
  else
    echo $((limit / 1048576))
  fi
}

# Heap sizing (README "Memory"): a daemon or driver JVM gets 3/4 of what is left after 256 MiB
# for metaspace, code cache, threads and direct buffers. A worker container mostly holds
# executors: the worker JVM gets 1/8 of the limit (128..512 MiB), and it offers executors 70 %
# of the rest after its own 256 MiB non-heap; the other 30 % covers the executors' off-heap
# memory and the page cache that shuffle files live in.
clamp() { # clamp VALUE MIN [MAX]
  local v=$1
  [ "$v" -ge "$2" ] || v=$2
  [ -z "${3:-}" ] || [ "$v" -le "$3" ] || v=$3
  echo "$v"
}

size_memory() {
  local limit
  limit=$(memory_limit_mib)
  if [ "$1" = worker ]; then
    heap_mib=$(clamp $((limit / 8)) 128 512)
    worker_memory=${SPARK_WORKER_MEMORY:-$(clamp $(((limit - heap_mib - 256) * 7 / 10)) 256)m}
  else
    heap_mib=$(clamp $(((limit - 256) * 3 / 4)) 128)
  fi
  heap=${SPARK_DAEMON_MEMORY:-${heap_mib}m}
  log "role=$1 memory-limit=${limit}m heap=$heap${worker_memory:+ worker-memory=$worker_memory}"
}

# The effective conf dir: the image's conf, then the mounted files (a mounted spark-defaults.conf
# is appended, so its keys win; any other mounted file replaces the image's).
prepare_conf() {
  export SPARK_CONF_DIR=$runtime_dir/conf
  mkdir -p "$SPARK_CONF_DIR"
  cp "$SPARK_HOME"/conf/* "$SPARK_CONF_DIR"/
  local f
  for f in "$conf_mount"/*; do
    [ -f "$f" ] || continue
    if [ "${f##*/}" = spark-defaults.conf ]; then
      printf '\n# from %s\n' "$f" >>"$SPARK_CONF_DIR/spark-defaults.conf"
      cat "$f" >>"$SPARK_CONF_DIR/spark-defaults.conf"
    else
      cp "$f" "$SPARK_CONF_DIR/"
    fi
  done
  printf '\n# from the environment\n' >>"$SPARK_CONF_DIR/spark-defaults.conf"
}

# Appends to the effective spark-defaults.conf: the last occurrence of a key wins.
set_property() { [ -z "$2" ] || echo "$1=$2" >>"$SPARK_CONF_DIR/spark-defaults.conf"; }

# A driver in a pod must advertise its address, not its pod name, which no other pod resolves:
# executors connect back to spark.driver.host. SPARK_LOCAL_IP (the pod's IP from the downward
# API) is the default unless the configuration names a host.
advertise_driver_address() {
  if [ -n "${SPARK_LOCAL_IP:-}" ] && ! grep -q '^[[:space:]]*spark\.driver\.host[[:space:]=]' "$SPARK_CONF_DIR/spark-defaults.conf"; then
    set_property spark.driver.host "$SPARK_LOCAL_IP"
  fi
}

# A driver's settings may name secrets instead of holding them (vault:, k8s:, env:, file:; see
# README "Secrets"). They are resolved here, in the pod (Vault from VAULT_ADDR and a login, e.g.
# APPSPARK_VAULT_K8S_ROLE with the pod's service-account token), by the launcher's resolver
# (its jars ship with the autoscaler's): the effective spark-defaults.conf keeps the plain
# settings, and the resolved ones reach the driver's JVM through its standard input
# (StdinSystemProperties), so they are on no command line and in no file. A reference that
# cannot be read stops the start with the resolver's line naming it.
secret_settings=""
stdin_main=()
resolve_secret_settings() {
  # References come from the mounted configuration (the cluster's driver settings), never from
  # the image's own, whose file: values are plain paths.
  local conf=$SPARK_CONF_DIR/spark-defaults.conf mounted=$conf_mount/spark-defaults.conf
  [ -f "$mounted" ] || return 0
  grep -Eq '^[[:space:]]*[^#![:space:]][^=:[:space:]]*([[:space:]]*[=:][[:space:]]*|[[:space:]]+)(vault|k8s|env|file):' "$mounted" ||
    return 0
  secret_settings=$("$java" -Xmx192m -XX:TieredStopAtLevel=1 -cp "$autoscaler_home/lib/*" \
    io.appspark.launcher.secrets.ConfSecretsResolver "$conf" "$mounted") ||
    die "$role: the secret references of its settings could not be resolved (see above)"
  [ -n "$secret_settings" ] || return 0
  stdin_main=(io.appspark.parentwatch.StdinSystemProperties)
  extra_classpath="${extra_classpath:+$extra_classpath:}$appspark_lib/appspark-parent-watch.jar"
}

# Runs the built command; a driver with resolved secret settings reads them from its input.
exec_jvm() {
  if [ ${#stdin_main[@]} -gt 0 ]; then
    exec "${cmd[@]}" < <(printf '%s\n' "$secret_settings")
  fi
  exec "${cmd[@]}"
}

jvm_command() {
  cmd=("$java" "-Xmx$heap" -XX:+ExitOnOutOfMemoryError)
  local opening
  for opening in "${add_opens[@]}"; do
    cmd+=("--add-opens=java.base/$opening=ALL-UNNAMED")
  done
  # Extra JVM options, split on spaces like Spark's own SPARK_DAEMON_JAVA_OPTS.
  read -r -a extra <<<"${SPARK_DAEMON_JAVA_OPTS:-}"
  cmd+=("${extra[@]}" -cp "$SPARK_CONF_DIR/:$SPARK_HOME/jars/*${extra_classpath:+:$extra_classpath}" "$@")
}

# A worker told to stop (SIGTERM from the kubelet or `podman stop`) decommissions: SIGPWR makes
# it tell the master, which stops giving it executors and asks drivers to move work away. It
# stops once no executor process is left under it, or after APPSPARK_DECOMMISSION_TIMEOUT.
run_decommissionable() {
  "$@" &
  worker_pid=$!
  trap decommission TERM INT
  local status=0
  wait "$worker_pid" || status=$?
  exit "$status"
}

decommission() {
  trap '' TERM INT
  local timeout=${APPSPARK_DECOMMISSION_TIMEOUT:-120} outcome=timeout
  log "SIGTERM: decommissioning the worker, waiting up to ${timeout}s for its executors"
  kill -PWR "$worker_pid" 2>/dev/null || true
  local deadline=$((SECONDS + timeout))
  while kill -0 "$worker_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 2
    if ! pgrep -P "$worker_pid" >/dev/null; then
      outcome=drained
      break
    fi
  done
  log "worker $outcome; stopping it"
  kill -TERM "$worker_pid" 2>/dev/null || true
  wait "$worker_pid" || true
  [ "$outcome" = drained ] && exit 0
  exit 1
}

role=${1:-}
[ "$#" -gt 0 ] && shift
case $role in
  master)
    size_memory master
    prepare_conf
    jvm_command org.apache.spark.deploy.master.Master \
      ${SPARK_MASTER_HOST:+--host "$SPARK_MASTER_HOST"} \
      --port "${SPARK_MASTER_PORT:-7077}" --webui-port "${SPARK_MASTER_WEBUI_PORT:-8080}" \
      --properties-file "$SPARK_CONF_DIR/spark-defaults.conf" "$@"
    exec "${cmd[@]}"
    ;;
  worker)
    [ -n "${SPARK_MASTER_URL:-}" ] || die "worker: set SPARK_MASTER_URL (spark://host:port)"
    size_memory worker
    prepare_conf
    jvm_command org.apache.spark.deploy.worker.Worker \
      ${SPARK_WORKER_HOST:+--host "$SPARK_WORKER_HOST"} \
      ${SPARK_WORKER_PORT:+--port "$SPARK_WORKER_PORT"} \
      ${SPARK_WORKER_CORES:+--cores "$SPARK_WORKER_CORES"} \
      --webui-port "${SPARK_WORKER_WEBUI_PORT:-8081}" --memory "$worker_memory" \
      --work-dir "${SPARK_WORKER_DIR:-$SPARK_HOME/work}" \
      --properties-file "$SPARK_CONF_DIR/spark-defaults.conf" "$@" "$SPARK_MASTER_URL"
    run_decommissionable "${cmd[@]}"
    ;;
  connect)
    size_memory connect
    prepare_conf
    set_property spark.connect.grpc.binding.port "${SPARK_CONNECT_PORT:-15002}"
    set_property spark.ui.port "${SPARK_UI_PORT:-}"
    advertise_driver_address
    # A driver of a standalone cluster takes the cluster's secret from its configuration only
    # (daemons and executors read _SPARK_AUTH_SECRET); the file is the container's own, mode 0600.
    if [ -n "${_SPARK_AUTH_SECRET:-}" ]; then
      chmod 600 "$SPARK_CONF_DIR/spark-defaults.conf"
      set_property spark.authenticate.secret "$_SPARK_AUTH_SECRET"
    fi
    resolve_secret_settings
    jvm_command "${stdin_main[@]}" org.apache.spark.deploy.SparkSubmit \
      --class org.apache.spark.sql.connect.service.SparkConnectServer \
      --name "${SPARK_CONNECT_NAME:-Spark Connect server}" \
      --master "${SPARK_MASTER_URL:-local[*]}" \
      --properties-file "$SPARK_CONF_DIR/spark-defaults.conf" "$@" spark-internal
    exec_jvm
    ;;
  driver)
    [ "$#" -gt 0 ] || die "driver: name the main class (e.g. io.appspark.examples.CustomerChurnDemo)"
    size_memory driver
    prepare_conf
    advertise_driver_address
    main=$1
    shift
    # Through SparkSubmit, so that the effective spark-defaults.conf applies, in client mode.
    # Executors need the app's classes too: the image's examples are on every pod of this image
    # (local:), other jars the driver serves them.
    jars=()
    for jar in "$SPARK_HOME"/examples/jars/*.jar; do jars+=("local:$jar"); done
    IFS=: read -r -a app_jars <<<"${APPSPARK_DRIVER_CLASSPATH:-}"
    for jar in "${app_jars[@]}"; do [ -z "$jar" ] || jars+=("$jar"); done
    extra_classpath="$SPARK_HOME/examples/jars/*${APPSPARK_DRIVER_CLASSPATH:+:$APPSPARK_DRIVER_CLASSPATH}"
    resolve_secret_settings
    jvm_command "${stdin_main[@]}" org.apache.spark.deploy.SparkSubmit --class "$main" \
      --master "${APPSPARK_MASTER_URL:-${SPARK_MASTER_URL:-local[*]}}" \
      --jars "$(IFS=,; echo "${jars[*]}")" \
      --properties-file "$SPARK_CONF_DIR/spark-defaults.conf" spark-internal "$@"
    exec_jvm
    ;;
  history)
    size_memory history
    prepare_conf
    set_property spark.history.ui.port "${SPARK_HISTORY_UI_PORT:-}"
    set_property spark.history.fs.logDirectory "${SPARK_HISTORY_LOG_DIR:-}"
    jvm_command org.apache.spark.deploy.history.HistoryServer \
      --properties-file "$SPARK_CONF_DIR/spark-defaults.conf" "$@"
    exec "${cmd[@]}"
    ;;
  autoscaler)
    size_memory autoscaler
    [ -f "$autoscaler_home/appspark-autoscaler.jar" ] ||
      die "autoscaler: no $autoscaler_home/appspark-autoscaler.jar in this image"
    # SIGTERM (tini forwards it) ends the JVM through its shutdown hook: a leader releases its Lease.
    exec "$java" "-Xmx$heap" -XX:+ExitOnOutOfMemoryError \
      "-Dappspark.log.level=${APPSPARK_LOG_LEVEL:-info}" \
      -cp "$autoscaler_home/appspark-autoscaler.jar:$autoscaler_home/lib/*" \
      io.appspark.autoscaler.Main "$@"
    ;;
  exec)
    [ "$#" -gt 0 ] || die "exec: name a command"
    prepare_conf
    exec "$@"
    ;;
  *)
    die "usage: entrypoint.sh master|worker|connect|history|autoscaler|exec CMD [ARGS...] (got '${role}')"
    ;;
esac
