#!/usr/bin/env bash
# Runs all of appspark's tests, installing what they need first (idempotently): the Maven build
# with unit tests (*Test) and integration tests against real Spark processes, a real Kubernetes
# control plane and a real kubelet node (*IT; the e2e module runs the product as pods), then the
# real node's smoke script, the nss-wrapper checks under an arbitrary UID, the Spark image built
# and run with podman, and the notebooks executed against a real cluster.
# Needs root (the node, podman). Prints a closing line "N passed, M failed".
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

[ "$(id -u)" -eq 0 ] || { echo "run-tests.sh: run as root (the real node's kubelet and containerd, podman)" >&2; exit 2; }

# The Go-built test servers need Go 1.26+: the one on PATH, or one fetched once into the cache.
go_bin=$(testing/go-toolchain.sh)
export PATH="$go_bin:$PATH"

# The Kubernetes ITs run against a real control plane built from Go modules: idempotent and cached
# under ~/.cache/appspark (about 15 CPU-minutes on a fresh machine, about a second afterwards).
started=$SECONDS
testing/control-plane/build.sh
# The secret ITs run against a real HashiCorp Vault built from its Go module the same way
# (about 10 CPU-minutes once, sharing the Go build cache with the control plane).
testing/vault/build.sh
# The real node beside it: containerd, crictl, CoreDNS, the pause image and our NetworkPolicy
# enforcer from Go modules, runc, CNI plugins and netfilter tools from Debian (about 5 CPU-minutes
# once).
testing/node/build.sh >/dev/null
spark-image/setup-podman.sh
echo "=== Go-built servers ready ($((SECONDS - started)) s)" >&2
run_suite "maven: unit and integration tests" ./mvnw -ntp verify
run_suite "the node's NetworkPolicy enforcer: go vet, go test (testing/node/netpol/test.sh)" \
  testing/node/netpol/test.sh
run_suite "real node: the Spark image as pods, a driver pod's job, NetworkPolicy (testing/node/smoke.sh)" \
  bash testing/node/smoke.sh "$(mktemp -d /var/tmp/appspark-node-smoke.XXXXXX)"
run_suite "nss-wrapper under an arbitrary UID" bash nss-wrapper/test/run-tests.sh
run_suite "spark image: real containers under arbitrary UIDs" bash spark-image/test/run-tests.sh
run_suite "notebooks: every notebook executed against a real cluster with Spark Connect" bash notebooks/test/run-tests.sh

echo "suites: $((suites - ${#failed[@]})) passed, ${#failed[@]} failed in ${SECONDS} s"
[ ${#failed[@]} -eq 0 ] || { echo "failed: ${failed[*]}" >&2; exit 1; }
