#!/usr/bin/env bash
# Tests of the notebooks, end to end and idempotent: sets up notebooks/.venv, builds appspark
# through ./appspark, then
#   - checks that committed notebooks carry no outputs,
#   - renders the JupyterLab Kubernetes component (kubectl kustomize) and checks it,
#   - applies it with a rendered cluster to a real Kubernetes control plane (kwok nodes) and
#     checks the notebook pod there (check_kubernetes.py),
# starts a real local in-app cluster with one worker, its autoscaler and a Spark Connect server in
# a state directory of its own, then
#   - executes 04-autoscaling.ipynb and checks from the autoscaler's /status that it made the
#     cluster grow (check_autoscaling.py),
#   - executes every other notebook in notebooks/ headlessly (nbclient) against the cluster,
#   - runs the helper's tests, the version-mismatch check among them (with a really different
#     PySpark client, pyspark-client 4.1.3, installed beside the venv),
# and stops the cluster whatever happens. Closes with "N passed, M failed"; exits 1 on a failure.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
notebooks=$(dirname "$here")
root=$(dirname "$notebooks")
mismatched_version=4.1.3

export APPSPARK_STATE_DIR
APPSPARK_STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/appspark-notebook-tests.XXXXXX")
secrets=$(mktemp -d "${TMPDIR:-/tmp}/appspark-notebook-secrets.XXXXXX")
export APPSPARK_CLUSTER=notebook-tests
export APPSPARK_MISMATCHED_CLIENT=$notebooks/.mismatch-client/pyspark-client-$mismatched_version
results=$APPSPARK_STATE_DIR/results.txt
executed=$root/notebooks/target/executed
: > "$results"

stop_cluster() {
  "$root/appspark" down --name "$APPSPARK_CLUSTER" >/dev/null 2>&1
  # The cluster's logs (master, workers, Connect server, autoscaler) outlive the run, for whoever
  # investigates a failure.
  rm -rf "$root/notebooks/target/cluster-logs"
  if [ -d "$APPSPARK_STATE_DIR/clusters/$APPSPARK_CLUSTER/logs" ]; then
    mkdir -p "$root/notebooks/target"
    cp -r "$APPSPARK_STATE_DIR/clusters/$APPSPARK_CLUSTER/logs" "$root/notebooks/target/cluster-logs"
  fi
  rm -rf "$APPSPARK_STATE_DIR" "$secrets"
}
trap stop_cluster EXIT

fail_setup() { # what failed; counts as one failed test and ends the run
  echo "FAIL setup: $1" | tee -a "$results"
  echo "$(grep -c '^PASS' "$results") passed, $(grep -c '^FAIL' "$results") failed"
  exit 1
}

run() { # name, command...: its PASS/FAIL lines count; a crash without a FAIL line counts as one
  local name=$1; shift
  echo "=== $name" >&2
  local before
  before=$(grep -c '^FAIL' "$results")
  "$@" 2>"$APPSPARK_STATE_DIR/$name.err" | tee -a "$results"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ] && [ "$(grep -c '^FAIL' "$results")" -eq "$before" ]; then
    echo "FAIL $name exited with $rc" | tee -a "$results"
  fi
  if [ "$rc" -ne 0 ]; then tail -n 40 "$APPSPARK_STATE_DIR/$name.err" >&2; fi
}

python=$(bash "$notebooks/setup-venv.sh") || fail_setup "notebooks/setup-venv.sh"
if [ ! -d "$APPSPARK_MISMATCHED_CLIENT/pyspark" ]; then
  "$python" -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$APPSPARK_MISMATCHED_CLIENT" "pyspark-client==$mismatched_version" >&2 ||
    fail_setup "installing pyspark-client $mismatched_version"
fi

mapfile -t all < <(find "$notebooks" -name '*.ipynb' \
  -not -path '*/.venv/*' -not -path '*/.mismatch-client/*' -not -path '*/target/*' \
  -not -path '*/.ipynb_checkpoints/*' | sort)
[ ${#all[@]} -gt 0 ] || fail_setup "no notebooks found in $notebooks"

autoscaling=$notebooks/04-autoscaling.ipynb
others=()
for notebook in "${all[@]}"; do [ "$notebook" = "$autoscaling" ] || others+=("$notebook"); done
[ -f "$autoscaling" ] || fail_setup "$autoscaling is missing"

run no-outputs "$python" "$here/check_no_outputs.py" "${all[@]}"
run deploy bash "$here/check_deploy.sh"
# The CLI (render) must be built before check_kubernetes.py times anything.
"$root/appspark" --version >/dev/null || fail_setup "building appspark (./appspark --version)"
run kubernetes "$python" "$here/check_kubernetes.py"

# One worker and the autoscaler (on unless --no-autoscaler; workers.max defaults to 4): the
# autoscaling notebook runs first, on the cluster as it started.
# The cluster's spec names a secret by reference; the Connect server must get its value (the file
# lives outside the state directory, which the test scans for the value).
export APPSPARK_TEST_SECRET_FILE=$secrets/notebook-test-secret
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$APPSPARK_TEST_SECRET_FILE"
printf 'sparkConf:\n  spark.appspark.notebooktest.secret: file:%s\n' "$APPSPARK_TEST_SECRET_FILE" \
  > "$secrets/spec.yaml"
"$root/appspark" up -f "$secrets/spec.yaml" --detach --connect --name "$APPSPARK_CLUSTER" --workers 1 \
  --timeout 600 >&2 ||
  fail_setup "starting the in-app cluster (./appspark up --connect --workers 1)"

rm -rf "$executed"
run autoscaling "$python" "$here/check_autoscaling.py" "$executed" "$autoscaling"
run notebooks "$python" "$here/execute_notebooks.py" "$executed" "${others[@]}"
run helper "$python" "$here/test_appspark_notebook.py"

echo "executed notebooks (with outputs): $executed" >&2
passed=$(grep -c '^PASS' "$results")
failed=$(grep -c '^FAIL' "$results")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
