#!/usr/bin/env bash
# Makes sure a Go toolchain of at least GO_MIN_VERSION is available for the Go-built test servers,
# and prints the directory to put first on PATH. A Go that is already on PATH and new enough is
# used as it is (its bin directory is printed). Otherwise the toolchain is fetched once, as the
# module golang.org/toolchain through the configured Go module proxy (the way Go itself switches
# toolchains), with Debian's older go as the client, into
# ${APPSPARK_CACHE:-$HOME/.cache/appspark}/go-toolchain-<version>. Needs root only for that
# first apt-get.
#
# Usage: PATH="$(testing/go-toolchain.sh):$PATH"
set -euo pipefail

GO_MIN_VERSION=1.26.8   # the version the test servers are built and measured with
CACHE=${APPSPARK_CACHE:-$HOME/.cache/appspark}
DIR=$CACHE/go-toolchain-$GO_MIN_VERSION
log() { printf 'go-toolchain.sh: %s\n' "$*" >&2; }
die() { printf 'go-toolchain.sh: ERROR: %s\n' "$*" >&2; exit 1; }

# new_enough GO: its version is at least GO_MIN_VERSION's minor release.
new_enough() {
  local v minor
  v=$("$1" env GOVERSION 2>/dev/null) || return 1
  minor=$(sed -n 's/^go1\.\([0-9]*\).*/\1/p' <<<"$v")
  [[ -n $minor && $minor -ge $(cut -d. -f2 <<<"$GO_MIN_VERSION") ]]
}

if command -v go >/dev/null 2>&1 && new_enough "$(command -v go)"; then
  dirname "$(readlink -f "$(command -v go)")"
  exit 0
fi
if [[ -x $DIR/bin/go ]] && new_enough "$DIR/bin/go"; then
  echo "$DIR/bin"
  exit 0
fi

client=$(command -v go || true)
if [[ -z $client ]]; then
  log "no go on PATH: installing Debian's golang-go as the client that fetches Go $GO_MIN_VERSION"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null
  client=$(command -v go) || die "apt-get install golang-go gave no go command"
fi
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
module=golang.org/toolchain@v0.0.1-go$GO_MIN_VERSION.linux-$arch
log "fetching $module with $("$client" version)"
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
src=$(cd "$tmp" && GOPATH=$tmp/gopath GOMODCACHE=$tmp/gopath/pkg/mod GOFLAGS=-modcacherw \
  "$client" mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
[[ -n $src && -d $src/bin ]] || die "the Go module proxy did not serve $module"
mkdir -p "$CACHE"
rm -rf "$DIR.tmp"
cp -a "$src" "$DIR.tmp"
chmod -R u+w "$DIR.tmp"
# Module zips keep no file modes: the toolchain's programs are made executable again.
chmod +x "$DIR.tmp"/bin/* "$DIR.tmp"/pkg/tool/*/*
rm -rf "$DIR"
mv "$DIR.tmp" "$DIR"
new_enough "$DIR/bin/go" || die "$DIR/bin/go does not run"
log "Go $GO_MIN_VERSION in $DIR"
echo "$DIR/bin"
