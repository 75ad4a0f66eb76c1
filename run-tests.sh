#!/usr/bin/env bash
# Runs all of appspark's tests, installing what they need first (idempotently): the Maven build
# with unit tests (*Test) and integration tests against real Spark processes and a real
# Kubernetes control plane (*IT), then the nss-wrapper checks under an arbitrary UID,
# then the Spark image built and run with podman, then the notebooks executed against a real cluster.
# Prints a closing line "N passed, M failed".
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"

need_apt=()
command -v java >/dev/null || need_apt+=(openjdk-17-jdk-headless)
command -v python3 >/dev/null || need_apt+=(python3 python3-pip)
command -v setpriv >/dev/null || need_apt+=(util-linux)
command -v openssl >/dev/null || need_apt+=(openssl)   # the test control plane's certificates
command -v curl >/dev/null || need_apt+=(curl)         # its health checks
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

suites=0
failed=()
run_suite() { # name, command...
  local name=$1; shift
  echo "=== $name" >&2
  suites=$((suites + 1))
  local started=$SECONDS
  if "$@"; then
    echo "=== $name: ok ($((SECONDS - started)) s)" >&2
  else
    echo "=== $name: FAILED ($((SECONDS - started)) s)" >&2; failed+=("$name")
  fi
}

# The Kubernetes ITs run against a real control plane built from Go modules: idempotent and cached
# under ~/.cache/appspark (about 15 CPU-minutes on a fresh machine, about a second afterwards).
started=$SECONDS
testing/control-plane/build.sh
# The secret ITs run against a real HashiCorp Vault built from its Go module the same way
# (about 10 CPU-minutes once, sharing the Go build cache with the control plane).
testing/vault/build.sh
echo "=== Go-built servers ready ($((SECONDS - started)) s)" >&2
run_suite "maven: unit and integration tests" ./mvnw -ntp verify
run_suite "nss-wrapper under an arbitrary UID" bash nss-wrapper/test/run-tests.sh
run_suite "spark image: real containers under arbitrary UIDs" bash spark-image/test/run-tests.sh
run_suite "notebooks: every notebook executed against a real cluster with Spark Connect" bash notebooks/test/run-tests.sh

echo "suites: $((suites - ${#failed[@]})) passed, ${#failed[@]} failed in ${SECONDS} s"
[ ${#failed[@]} -eq 0 ] || { echo "failed: ${failed[*]}" >&2; exit 1; }
