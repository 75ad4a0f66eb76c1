#!/usr/bin/env bash
# Proves the appspark Spark image on this machine, with no container registry:
#   - podman set up, the base image made locally (debootstrap + buildah), the real Containerfile
#     built on it;
#   - the image: no setuid/setgid file, an arbitrary UID with group 0 gets a name and writable
#     dirs, the heap follows the container memory limit;
#   - master and worker containers under random UIDs (group 0, --network host, free ports); a
#     Spark job submitted from the host returns the right answer; no process in any container
#     runs as root; Prometheus metrics; Spark Connect and history server roles;
#   - an app generated from the archetype: its image, built as its README says, runs under an
#     arbitrary UID as a driver of the master container, answers /health, and takes its API token
#     through a secret reference;
#   - a worker given SIGTERM decommissions, drains its executor and leaves the master's alive
#     list;
#   - time from start to worker registered, container against the same worker on the host
#     (several repetitions), written to benchmarks/spark-image/results.json.
# Needs root. Installs what it lacks. Prints "N passed, M failed" last; exits non-zero on failure.
# Cleans up every container and process it starts.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
image_dir=$(dirname "$here")
root=$(dirname "$image_dir")
base_image=localhost/appspark/base-jre17:bookworm
results=${APPSPARK_BENCH_RESULTS:-$root/benchmarks/spark-image/results.json}
repetitions=${APPSPARK_BENCH_REPETITIONS:-5}
helper=$here/master_json.py
label=io.appspark.test=spark-image-$$
# Container names carry the run, so a container left by a killed run never blocks this one.
c=appspark-test-$$-

[ "$(id -u)" -eq 0 ] || { echo "run-tests.sh: must run as root (podman, debootstrap)" >&2; exit 2; }

# --- install and build, idempotently ------------------------------------------------------
need=()
for tool in shellcheck curl python3 java; do
  command -v "$tool" >/dev/null || need+=("$tool")
done
if [ "${#need[@]}" -gt 0 ]; then
  need=("${need[@]/java/openjdk-17-jdk-headless}")
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
"$image_dir/setup-podman.sh"
"$image_dir/make-base-image.sh"
build_start=$(date +%s)
image=localhost/$(BASE_IMAGE=$base_image "$image_dir/build.sh" 2>"${TMPDIR:-/tmp}/appspark-image-build.$$.log" | tail -n 1) ||
  { tail -n 40 "${TMPDIR:-/tmp}/appspark-image-build.$$.log" >&2; exit 1; }
rm -f "${TMPDIR:-/tmp}/appspark-image-build.$$.log"
build_seconds=$(($(date +%s) - build_start))
spark_home=$root/spark-dist/target/spark-home
host_spark_home=$image_dir/target/context/spark # /opt/spark of the image, as built
examples_jar=$root/examples/target/appspark-examples.jar
echo "image: $image (built in ${build_seconds}s)"

# --- helpers ----------------------------------------------------------------------------------
work=$(mktemp -d /var/tmp/appspark-image-test.XXXXXX)
host_pids=()
cleanup() {
  local ids
  mapfile -t ids < <(podman ps -aq --filter "label=$label")
  [ "${#ids[@]}" -eq 0 ] || podman rm -f -t 0 "${ids[@]}" >/dev/null 2>&1 || true
  for pid in "${host_pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  [ -z "${app_image:-}" ] || podman rmi -f "$app_image" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# Containers of earlier runs that were killed before their cleanup ran: gone, if their run is.
while read -r id run; do
  pid=${run#spark-image-}
  if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then podman rm -f -t 0 "$id" >/dev/null 2>&1 || true; fi
done < <(podman ps -a --filter label=io.appspark.test --format '{{.ID}} {{index .Labels "io.appspark.test"}}')

passed=0
failed=0
check() { # check NAME COMMAND...: runs COMMAND, counts and reports it
  local name=$1; shift
  if "$@" >"$work/check.out" 2>&1; then
    passed=$((passed + 1)); echo "PASS: $name"
  else
    failed=$((failed + 1)); echo "FAIL: $name"; sed 's/^/    /' "$work/check.out" | tail -n 15
  fi
}

random_uid() { echo $((1000370000 + RANDOM % 10000)); }
free_port() { # a port nothing listens on, outside the ephemeral range
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ! grep -qx "$port" "$work/ports" 2>/dev/null; then
      echo "$port" >>"$work/ports"
      echo "$port"
      return
    fi
  done
}
# run_container NAME UID ROLE [podman run options...]: a detached container of the image
run_container() {
  local name=$1 uid=$2 role=$3; shift 3
  podman run -d --name "$c$name" --label "$label" --user "$uid:0" --passwd=false --network host \
    "$@" "$image" "$role" >/dev/null
}
wait_for() { # wait_for SECONDS COMMAND...: until COMMAND succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}
json() { python3 "$helper" "$@"; }
# Every process of the container runs as UID (podman top's host user column).
only_uid() {
  local name=$1 uid=$2
  podman top "$c$name" huser pid args | tee "$work/top.$name" | awk -v uid="$uid" '
    NR > 1 { n++; if ($1 != uid) { print "not " uid ": " $0; bad = 1 } }
    END { if (bad || n == 0) exit 1; print n " processes, all UID " uid }'
}
contains() { grep -qiE -- "$2" "$1" || { echo "no /$2/ in $1:"; tail -n 20 "$1"; return 1; }; }
logs_of() { podman logs "$c$1" >"$work/$1.log" 2>&1; echo "$work/$1.log"; }

# --- shell scripts -----------------------------------------------------------------------------
check "entrypoint and scripts are shellcheck-clean" \
  shellcheck "$image_dir"/entrypoint.sh "$image_dir"/*.sh "$here/run-tests.sh" "$root/nss-wrapper/bin/appspark-nss-wrapper"

# --- the image -------------------------------------------------------------------------------
check "base image made locally" podman image exists "$base_image"
labels_match_pom() {
  local pom_versions labels
  pom_versions="$(pom_value spark.version) $(pom_value version)"
  labels=$(podman image inspect "$image" \
    --format '{{index .Labels "io.appspark.spark.version"}} {{index .Labels "io.appspark.version"}}')
  echo "labels: $labels; pom.xml: $pom_versions"
  [ "$labels" = "$pom_versions" ]
}
pom_value() { grep -m1 -o "<$1>[^<]*" "$root/pom.xml" | cut -d'>' -f2; }
no_setuid_files() {
  local found
  found=$(podman run --rm --user 0 "$image" exec find / -xdev -type f -perm /6000)
  echo "$found"
  [ -z "$found" ]
}
named_and_writable() {
  local name
  name=$(podman run --rm --passwd=false --user "$1:0" "$image" exec \
    sh -c 'touch /opt/spark/work/w /opt/spark/events/w /opt/spark/home/w && whoami')
  echo "whoami: $name"
  [ "$name" = appspark ]
}
check "image labels carry the versions of pom.xml" labels_match_pom
check "no setuid or setgid file in the image" no_setuid_files
uid=$(random_uid)
check "arbitrary UID $uid:0 gets a name and writable dirs" named_and_writable "$uid"

# --- a cluster of containers under random UIDs ---------------------------------------------
master_uid=$(random_uid) worker_uid=$(random_uid) connect_uid=$(random_uid) history_uid=$(random_uid)
master_port=$(free_port) master_ui=$(free_port)
master_url=spark://127.0.0.1:$master_port
master_web=http://127.0.0.1:$master_ui
run_container master "$master_uid" master \
  -e SPARK_MASTER_HOST=127.0.0.1 -e SPARK_MASTER_PORT="$master_port" -e SPARK_MASTER_WEBUI_PORT="$master_ui"
check "master container answers /json/" wait_for 120 json alive "$master_web"

worker_port=$(free_port)
# start_worker_container NAME UID PORT [podman run options...]
start_worker_container() {
  local name=$1 uid=$2 port=$3; shift 3
  run_container "$name" "$uid" worker -e SPARK_MASTER_URL="$master_url" -e SPARK_WORKER_HOST=127.0.0.1 \
    -e SPARK_WORKER_PORT="$port" -e SPARK_WORKER_WEBUI_PORT="$(free_port)" -e SPARK_WORKER_CORES=2 "$@"
}
start_worker_container worker "$worker_uid" "$worker_port" -e APPSPARK_DECOMMISSION_TIMEOUT=60
check "worker container registers with the master" json wait-worker "$master_web" "$worker_port" "$(date +%s.%N)" 120

# The job runs on the host, its executors in the worker container; podman top samples the
# worker's processes while it runs.
events=$work/events
mkdir -p "$events"
chmod 1777 "$events"
driver() {
  local opening opens=()
  for opening in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
    java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs \
    sun.security.action sun.util.calendar; do
    opens+=("--add-opens=java.base/$opening=ALL-UNNAMED")
  done
  APPSPARK_MASTER_URL=$master_url SPARK_HOME=$spark_home SPARK_SCALA_VERSION=2.13 \
    java -Xmx1g "${opens[@]}" -Dlog4j2.configurationFile="$spark_home/conf/log4j2-driver.properties" \
    -cp "$spark_home/jars/*" org.apache.spark.deploy.SparkSubmit --master "$master_url" \
    --conf spark.driver.host=127.0.0.1 --conf spark.executor.memory=1g \
    --conf spark.eventLog.enabled=true --conf "spark.eventLog.dir=file:$events" \
    --class io.appspark.examples.CustomerChurnDemo "$examples_jar" 4000
}
(while :; do podman top "${c}worker" huser pid args >>"$work/top.during-job" 2>/dev/null || true; sleep 1; done) &
sampler=$!
job_start=$(date +%s)
driver >"$work/job.out" 2>"$work/job.err" || true
job_seconds=$(($(date +%s) - job_start))
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
echo "job: $(grep '^RESULT' "$work/job.out" || tail -n 5 "$work/job.err") (${job_seconds}s)"
right_answer() {
  grep -qE '^RESULT customers=4000 regions=5 auc=0\.([6-9][0-9]*|9+)' "$work/job.out" ||
    { cat "$work/job.out"; tail -n 20 "$work/job.err"; return 1; }
}
check "job from the host returns the right answer (4000 customers, 5 regions, AUC > 0.6)" right_answer
executors_as() {
  awk -v uid="$1" '/CoarseGrainedExecutorBackend/ { seen = 1; if ($1 != uid) bad = 1 }
    $1 ~ /^[0-9]+$/ && $1 != uid { bad = 1 }
    END { exit !(seen && !bad) }' "$work/top.during-job" || { grep -v '^HUSER' "$work/top.during-job" | sort -u | cut -c1-120; return 1; }
}
check "during the job every worker process, executors too, ran as UID $worker_uid" executors_as "$worker_uid"
check "no master process runs as root (UID $master_uid)" only_uid master "$master_uid"
prometheus_metrics() { curl -sfL "$master_web/metrics/master/prometheus/" | grep "^metrics_master_aliveWorkers_Value"; }
check "master serves Prometheus metrics" prometheus_metrics

# Spark Connect: a driver in a container; it takes an executor on the worker.
connect_port=$(free_port) connect_ui=$(free_port)
run_container connect "$connect_uid" connect -e SPARK_MASTER_URL="$master_url" -e SPARK_LOCAL_IP=127.0.0.1 \
  -e SPARK_CONNECT_PORT="$connect_port" -e SPARK_UI_PORT="$connect_ui"
connect_has_executor() {
  local app
  app=$(curl -sf "http://127.0.0.1:$connect_ui/api/v1/applications" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')
  curl -sf "http://127.0.0.1:$connect_ui/api/v1/applications/$app/executors" |
    python3 -c 'import json, sys; sys.exit(not any(e["id"] != "driver" and e["isActive"] for e in json.load(sys.stdin)))'
}
check "connect server runs on the cluster with an executor on the worker" wait_for 180 connect_has_executor
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1"); }
check "connect server listens for Spark Connect clients" wait_for 60 listening "$connect_port"
check "no connect-server process runs as root (UID $connect_uid)" only_uid connect "$connect_uid"
check "no worker process runs as root (UID $worker_uid)" only_uid worker "$worker_uid"

# History server: reads the event log the job wrote.
history_ui=$(free_port)
run_container history "$history_uid" history -e SPARK_HISTORY_UI_PORT="$history_ui" -v "$events:/opt/spark/events:ro,z"
history_lists_job() {
  curl -sf "http://127.0.0.1:$history_ui/api/v1/applications" | grep -q '"name" *: *"appspark-demo-customer-churn"'
}
check "history server lists the job from its event log" wait_for 120 history_lists_job
check "no history-server process runs as root (UID $history_uid)" only_uid history "$history_uid"

# The autoscaler role: its jars are in the image and it serves. Beside a cluster directory that
# holds no cluster it is alive (/healthz) but not ready (/readyz says why).
autoscaler_port=$(free_port)
run_container autoscaler "$(random_uid)" autoscaler --memory 512m -e APPSPARK_AUTOSCALER_HOST=127.0.0.1 \
  -e APPSPARK_AUTOSCALER_PORT="$autoscaler_port" -e APPSPARK_AUTOSCALER_CLUSTER_DIR=/tmp/no-cluster \
  -e APPSPARK_AUTOSCALER_MAX_WORKERS=2 -e APPSPARK_AUTOSCALER_CORES_PER_WORKER=1
autoscaler_serves() {
  curl -sf "http://127.0.0.1:$autoscaler_port/healthz" | grep -q '"up"' || return 1
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$autoscaler_port/readyz")" = 503 ]
}
check "autoscaler role serves /healthz, and /readyz 503 without a cluster" wait_for 90 autoscaler_serves
check "the autoscaler's heap follows its 512 MiB limit" contains "$(logs_of autoscaler)" "role=autoscaler memory-limit=512m heap=192m"
podman rm -f -t 0 "${c}autoscaler" >/dev/null

# --- an app generated from the archetype: its image, built as its README says, serves -------
# The archetype and the appspark artifacts it needs are in the Maven repository (the maven suite
# installs them). The README's "Build the image" commands run as written, Maven offline and
# without the project's tests (the maven suite runs them); the image's FROM is this Spark image.
app_name=image-check-$$
app_dir=$work/$app_name
app_image=localhost/$app_name:dev   # the tag the README builds (its dev overlay runs it)
mvn() { "$root/mvnw" -B -ntp -o -q "$@" -DskipTests; }
readme_builds_app_image() {
  local commands line
  (cd "$work" && mvn "org.apache.maven.plugins:maven-archetype-plugin:$(pom_value archetype.version):generate" \
    -DarchetypeGroupId=io.appspark -DarchetypeArtifactId=appspark-app-archetype \
    -DarchetypeVersion="$(pom_value version)" -DgroupId=com.example -DartifactId="$app_name" \
    -Dpackage=com.example.check -DinteractiveMode=false) || return 1
  commands=$(awk '/^Build the image/ { section = 1 }
    section && /^```/ { if (block) exit; block = 1; next } block' "$app_dir/README.md")
  [ -n "$commands" ] || { echo "no commands under 'Build the image' in the README"; return 1; }
  while read -r line; do
    echo "+ $line"
    (cd "$app_dir" && eval "$line") || return 1
  done <<<"$commands"
  podman image exists "$app_image"
}
check "a generated app's image builds as its README says" readme_builds_app_image
app_uid=$(random_uid) app_port=$(free_port)
printf 'token-%s' "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >"$work/api-token"
chmod 0644 "$work/api-token"
podman run -d --name "${c}app" --label "$label" --user "$app_uid:0" --passwd=false --network host \
  -e APPSPARK_MASTER_URL="$master_url" -e SPARK_DRIVER_HOST=127.0.0.1 -e HTTP_PORT="$app_port" \
  -e API_TOKEN_REF=file:/run/secrets/app/api-token -v "$work/api-token:/run/secrets/app/api-token:ro,z" \
  "$app_image" >/dev/null || echo "cannot start the app's container"
app_serves() { curl -sf "http://127.0.0.1:$app_port/health" | grep -q '"up"'; }
check "the app's container (UID $app_uid:0, driver on the master container) answers /health" wait_for 120 app_serves
app_token_guards_posts() {
  local event='{"features": [0.1, 0.2], "label": 0}' anonymous with_token
  anonymous=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$app_port/events" -d "$event")
  with_token=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$work/api-token")" \
    "http://127.0.0.1:$app_port/events" -d "$event")
  echo "POST /events without the token: $anonymous, with it: $with_token"
  [ "$anonymous" = 401 ] && [ "$with_token" = 202 ] || return 1
  ! grep -qF -- "$(cat "$work/api-token")" "$(logs_of app)" || { echo "the token is in the app's log"; return 1; }
}
check "its API token, a file: secret reference, guards POSTs and stays out of its log" app_token_guards_posts
check "no app process runs as root (UID $app_uid)" only_uid app "$app_uid"
podman rm -f -t 0 "${c}app" >/dev/null 2>&1 || true
podman rmi -f "$app_image" >/dev/null 2>&1 || true

# Heap from the memory limit: 1536 MiB -> worker JVM 192m, executors offered (1536-192-256)*0.7.
sized_port=$(free_port)
sized_ui=$(free_port)
start_worker_container sized "$(random_uid)" "$sized_port" --memory 1536m -e SPARK_WORKER_WEBUI_PORT="$sized_ui"
sized_by_limit() {
  json wait-worker "$master_web" "$sized_port" "$(date +%s.%N)" 120 >/dev/null || return 1
  podman logs "${c}sized" 2>&1 | grep "memory-limit=1536m heap=192m worker-memory=761m" || return 1
  [ "$(json worker "$master_web" "$sized_port")" = "ALIVE 761 2" ]
}
check "a 1536 MiB worker container sizes heap 192m and offers 761 MB" sized_by_limit
worker_metrics() { curl -sfL "http://127.0.0.1:$sized_ui/metrics/prometheus/" | grep "^metrics_worker_memFree_MB_Value"; }
check "worker serves Prometheus metrics" worker_metrics
podman rm -f -t 0 "${c}sized" >/dev/null
gone() { [ "$(json worker "$master_web" "$1" | cut -d' ' -f1)" != ALIVE ]; }
wait_for 60 gone "$sized_port" || true

# --- SIGTERM: the worker decommissions, drains its executor and leaves -----------------------
alive_before=$(json alive "$master_web")
stop_start=$(date +%s)
podman stop -t 90 "${c}worker" >/dev/null
stop_seconds=$(($(date +%s) - stop_start))
worker_log=$(logs_of worker)
master_log=$(logs_of master)
connect_log=$(logs_of connect)
echo "worker stop: ${stop_seconds}s, exit code $(podman inspect -f '{{.State.ExitCode}}' "${c}worker")"
exited_cleanly() { [ "$(podman inspect -f '{{.State.ExitCode}}' "${c}worker")" = 0 ] && [ "$stop_seconds" -lt 90 ]; }
check "stopped worker exits 0 after draining, before the stop timeout" exited_cleanly
check "worker log shows SIGPWR decommission" contains "$worker_log" "Decommission worker"
check "worker log shows it drained" contains "$worker_log" "worker drained"
check "master log shows the worker decommissioned" contains "$master_log" "Decommissioning worker .*:$worker_port"
check "connect driver decommissioned its executor" contains "$connect_log" "decommission executor"
left_alive_list() {
  local state alive
  state=$(json worker "$master_web" "$worker_port") alive=$(json alive "$master_web")
  echo "worker: $state; alive workers: $alive (before: $alive_before)"
  [ "${state%% *}" != ALIVE ] && [ "$alive" -eq $((alive_before - 1)) ]
}
check "worker left the master's alive list" left_alive_list
podman rm -f -t 0 "${c}connect" "${c}history" >/dev/null

# --- start to registered: container against the same worker on the host ---------------------
host_worker() { # host_worker PORT: the image's entrypoint, from the build context, as a host process
  local port=$1 dir=$work/host-$1
  mkdir -p "$dir/empty"
  setsid env SPARK_HOME="$host_spark_home" SPARK_MASTER_URL="$master_url" SPARK_WORKER_HOST=127.0.0.1 \
    SPARK_WORKER_PORT="$port" SPARK_WORKER_WEBUI_PORT="$(free_port)" SPARK_WORKER_CORES=2 \
    SPARK_WORKER_DIR="$dir/work" APPSPARK_RUNTIME_DIR="$dir/run" APPSPARK_CONF_MOUNT="$dir/empty" \
    "$host_spark_home/bin/appspark-nss-wrapper" "$host_spark_home/bin/entrypoint.sh" worker >"$dir/log" 2>&1 &
  host_pids+=("$!")
}
container_times=() host_times=()
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq "$repetitions"); do
  port=$(free_port)
  start=$(date +%s.%N)
  start_worker_container "bench-$rep" "$(random_uid)" "$port"
  container_times+=("$(json wait-worker "$master_web" "$port" "$start" 120)")
  podman rm -f -t 0 "${c}bench-$rep" >/dev/null
  port=$(free_port)
  start=$(date +%s.%N)
  host_worker "$port"
  host_times+=("$(json wait-worker "$master_web" "$port" "$start" 120)")
  kill -TERM -- "-${host_pids[-1]}"
  echo "repetition $rep: container ${container_times[-1]}s, host ${host_times[-1]}s"
done
image_bytes=$(podman image inspect "$image" --format '{{.Size}}')
base_bytes=$(podman image inspect "$base_image" --format '{{.Size}}')
mkdir -p "$(dirname "$results")"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$results" "$image" "$image_bytes" "$base_image" "$base_bytes" "$build_seconds" \
  "${container_times[*]}" "${host_times[*]}" "$load_before" "$load_after" <<'EOF'
import json, statistics, sys, platform, os
out, image, size, base, base_size, build, cont, host, load_before, load_after = sys.argv[1:]
cont = [float(t) for t in cont.split()]
host = [float(t) for t in host.split()]
report = {
    "scenario": "spark-image: start to worker registered, container vs. the same worker process on the host",
    "machine": {"cores": os.cpu_count(), "kernel": platform.release(),
                "load_average_1_5_15_before": load_before, "load_average_1_5_15_after": load_after},
    "method": "alternating repetitions in one run against one master container: podman run -d of a worker "
              "container vs. the image's entrypoint and jars started as a host process; each timed from just "
              "before the start command until the master's /json/ lists the worker ALIVE (polled every 50 ms)",
    "image": image, "image_bytes": int(size), "base_image": base, "base_image_bytes": int(base_size),
    "image_build_seconds": int(build),
    "worker_registered_seconds": {
        "container": cont, "host": host,
        "container_median": statistics.median(cont), "host_median": statistics.median(host),
        "ratio_container_to_host_median": round(statistics.median(cont) / statistics.median(host), 2),
        "ratio_per_repetition": [round(c / h, 2) for c, h in zip(cont, host)],
    },
}
with open(out, "w") as f:
    json.dump(report, f, indent=2)
    f.write("\n")
print(f"image {int(size) / 1e6:.0f} MB; worker registered: container median {statistics.median(cont):.2f}s, "
      f"host median {statistics.median(host):.2f}s, ratio {report['worker_registered_seconds']['ratio_container_to_host_median']}")
EOF

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
