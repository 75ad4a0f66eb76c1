#!/usr/bin/env bash
# Builds what a real Kubernetes node next to the test control plane needs, from Go modules only
# (through the configured Go module proxy; nothing prebuilt is downloaded), under
# ${APPSPARK_CACHE:-$HOME/.cache/appspark}:
#   containerd-<v>/bin/{containerd,containerd-shim-runc-v2,ctr}
#   crictl-<v>/bin/crictl
#   coredns-<v>/bin/coredns
#   pause-<source hash>/pause.tar                       (the sandbox image, our own pause/)
#   netpol-<source hash>/bin/appspark-netpol            (the NetworkPolicy enforcer, our own netpol/)
# kubelet and kube-proxy come from the control plane's build (same release, same wrapper
# module), which this script runs first. runc, the CNI plugins, iptables, nftables, conntrack
# and socat are Debian packages, installed here when missing. Idempotent: a binary that exists
# and reports its pinned version is not rebuilt.
#
# Usage: testing/node/build.sh [--print-env]
#   --print-env  only print the *_BIN lines of a complete build (exit 1 if anything is missing)
set -euo pipefail

# ---- pinned versions ---------------------------------------------------------
CONTAINERD_VERSION=v2.4.2     # github.com/containerd/containerd/v2
CRICTL_VERSION=v1.37.0        # sigs.k8s.io/cri-tools
COREDNS_VERSION=v1.15.0       # github.com/coredns/coredns
# ------------------------------------------------------------------------------

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=testing/go-build-env.sh
source "$HERE/../go-build-env.sh"
CONTAINERD_DIR=$CACHE/containerd-$CONTAINERD_VERSION
CRICTL_DIR=$CACHE/crictl-$CRICTL_VERSION
COREDNS_DIR=$CACHE/coredns-$COREDNS_VERSION
PAUSE_HASH=$(cat "$HERE/pause/go.mod" "$HERE/pause/main.go" | sha256sum | cut -c1-12)
PAUSE_DIR=$CACHE/pause-$PAUSE_HASH
# The tag every node imports and the kubelet's sandbox image: never pulled.
PAUSE_IMAGE=appspark.local/pause:$PAUSE_HASH
# The enforcer is keyed by its sources (not its tests): an edit builds a new one.
NETPOL_HASH=$(cd "$HERE/netpol" && find . \( -name '*.go' ! -name '*_test.go' \) -o -name go.mod -o -name go.sum |
  LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)
NETPOL_DIR=$CACHE/netpol-$NETPOL_HASH
DEBIAN_PACKAGES=(runc containernetworking-plugins iptables nftables conntrack socat util-linux iproute2 buildah)

log() { printf 'node/build.sh: %s\n' "$*" >&2; }
die() { printf 'node/build.sh: ERROR: %s\n' "$*" >&2; exit 1; }

print_env() {
  cat <<EOF
CONTAINERD_BIN=$CONTAINERD_DIR/bin
CRICTL_BIN=$CRICTL_DIR/bin
COREDNS_BIN=$COREDNS_DIR/bin
PAUSE_TAR=$PAUSE_DIR/pause.tar
PAUSE_IMAGE=$PAUSE_IMAGE
NETPOL_BIN=$NETPOL_DIR/bin
RUNC=$(command -v runc)
CNI_BIN=/usr/lib/cni
EOF
}

# has VERSION BINARY ARGS...: the binary runs and names VERSION.
has() {
  local want=$1 bin=$2 out
  shift 2
  [[ -x $bin ]] || return 1
  out=$("$bin" "$@" 2>&1) || return 1
  [[ $out == *"${want#v}"* ]]
}

all_built() {
  has "$CONTAINERD_VERSION" "$CONTAINERD_DIR/bin/containerd" --version || return 1
  [[ -x $CONTAINERD_DIR/bin/containerd-shim-runc-v2 && -x $CONTAINERD_DIR/bin/ctr ]] || return 1
  has "$CRICTL_VERSION" "$CRICTL_DIR/bin/crictl" --version || return 1
  has "$COREDNS_VERSION" "$COREDNS_DIR/bin/coredns" -version || return 1
  [[ -s $PAUSE_DIR/pause.tar ]] || return 1
  [[ -x $NETPOL_DIR/bin/appspark-netpol ]] || return 1
  local p
  for p in runc /usr/lib/cni/bridge /usr/lib/cni/host-local /usr/lib/cni/portmap /usr/lib/cni/loopback iptables nft conntrack socat nsenter unshare; do
    command -v "$p" >/dev/null 2>&1 || return 1
  done
}

if [[ ${1:-} == --print-env ]]; then
  all_built || die "the node's binaries are not (all) built; run $0"
  print_env
  exit 0
elif [[ $# -gt 0 ]]; then
  die "unknown argument: $1 (usage: $0 [--print-env])"
fi

[[ $(id -u) -eq 0 ]] || die "must run as root (it installs Debian packages; the node needs root too)"

# ---- Debian packages ----------------------------------------------------------
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# kubelet and kube-proxy are built with the control plane (one wrapper module, one release).
"$HERE/../control-plane/build.sh" >/dev/null

go_env_under_cache 26 "the node's containerd $CONTAINERD_VERSION, crictl, CoreDNS and NetworkPolicy enforcer"
exec 9>"$CACHE/.build.lock"
flock 9 || die "cannot lock $CACHE/.build.lock"

# go_install DIR NAME VERSION PACKAGE [go flags...]: builds PACKAGE@VERSION into DIR/bin.
go_install() {
  local dir=$1 name=$2 version=$3 pkg=$4 t
  shift 4
  mkdir -p "$dir/bin"
  log "building $name $version"
  t=$(now)
  GOBIN=$dir/bin go install -ldflags "-s -w" "$@" "$pkg@$version" || die "go install $pkg@$version failed"
  record_time "$name-$version" "$(elapsed "$t")"
}

if has "$CONTAINERD_VERSION" "$CONTAINERD_DIR/bin/containerd" --version \
  && [[ -x $CONTAINERD_DIR/bin/containerd-shim-runc-v2 && -x $CONTAINERD_DIR/bin/ctr ]]; then
  log "containerd $CONTAINERD_VERSION: already built"
else
  # containerd's version string comes from its version package; no_btrfs: no btrfs headers.
  v=github.com/containerd/containerd/v2/version
  for c in containerd containerd-shim-runc-v2 ctr; do
    go_install "$CONTAINERD_DIR" "$c" "$CONTAINERD_VERSION" "github.com/containerd/containerd/v2/cmd/$c" \
      -tags no_btrfs -ldflags "-s -w -X $v.Version=$CONTAINERD_VERSION -X $v.Revision=appspark"
  done
fi

if has "$CRICTL_VERSION" "$CRICTL_DIR/bin/crictl" --version; then
  log "crictl $CRICTL_VERSION: already built"
else
  go_install "$CRICTL_DIR" crictl "$CRICTL_VERSION" sigs.k8s.io/cri-tools/cmd/crictl \
    -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION"
fi

if has "$COREDNS_VERSION" "$COREDNS_DIR/bin/coredns" -version; then
  log "coredns $COREDNS_VERSION: already built"
else
  go_install "$COREDNS_DIR" coredns "$COREDNS_VERSION" github.com/coredns/coredns
fi

# ---- the NetworkPolicy enforcer -------------------------------------------------
# Its client-go and every shared dependency are the control plane's versions, so with the build
# cache warm from the Kubernetes build only its own packages compile.
if [[ -x $NETPOL_DIR/bin/appspark-netpol ]]; then
  log "appspark-netpol $NETPOL_HASH: already built"
else
  mkdir -p "$NETPOL_DIR/bin"
  log "building appspark-netpol $NETPOL_HASH"
  t=$(now)
  (cd "$HERE/netpol" && go build -ldflags "-s -w" -o "$NETPOL_DIR/bin/.appspark-netpol.tmp" .) \
    || die "go build of testing/node/netpol failed"
  mv -f "$NETPOL_DIR/bin/.appspark-netpol.tmp" "$NETPOL_DIR/bin/appspark-netpol"
  record_time "appspark-netpol-$NETPOL_HASH" "$(elapsed "$t")"
fi

# ---- the pause image ------------------------------------------------------------
# The kubelet's sandbox image: our own static pause binary in an image made from scratch, saved
# as a docker-archive that every node start imports (nothing is ever pulled).
if [[ -s $PAUSE_DIR/pause.tar ]]; then
  log "pause image $PAUSE_IMAGE: already built"
else
  mkdir -p "$PAUSE_DIR"
  log "building the pause image $PAUSE_IMAGE"
  (cd "$HERE/pause" && go build -ldflags "-s -w" -o "$PAUSE_DIR/pause" .) || die "go build of testing/node/pause failed"
  ctr=$(buildah from scratch)
  buildah copy "$ctr" "$PAUSE_DIR/pause" /pause >/dev/null
  buildah config --entrypoint '["/pause"]' --user 65535:65535 --label io.appspark.test=pause "$ctr"
  buildah commit -q "$ctr" "$PAUSE_IMAGE" >/dev/null
  buildah rm "$ctr" >/dev/null
  rm -f "$PAUSE_DIR/.pause.tar"
  buildah push -q "$PAUSE_IMAGE" "docker-archive:$PAUSE_DIR/.pause.tar:$PAUSE_IMAGE" >/dev/null \
    || die "could not save $PAUSE_IMAGE"
  buildah rmi "$PAUSE_IMAGE" >/dev/null 2>&1 || true
  mv "$PAUSE_DIR/.pause.tar" "$PAUSE_DIR/pause.tar"
fi

all_built || die "some pieces are still missing after the build"
print_env
