#!/usr/bin/env bash
# Builds a HashiCorp Vault server for tests from its Go module only (through the configured Go
# module proxy; nothing prebuilt is downloaded), into
#   ${APPSPARK_CACHE:-$HOME/.cache/appspark}/vault-<version>/bin/vault
# Idempotent: a binary that exists and reports the pinned version is not rebuilt.
#
# Usage: testing/vault/build.sh [--print-env]
#   --print-env  only print the VAULT_BIN line of a complete build (exit 1 if it is missing)
set -euo pipefail

VAULT_VERSION=v1.21.4   # github.com/hashicorp/vault
VAULT_SDK_VERSION=v0.21.0   # the published sdk its go.mod requires (see "The sdk" below)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=testing/go-build-env.sh
source "$HERE/../go-build-env.sh"
VAULT_DIR=$CACHE/vault-$VAULT_VERSION
BIN=$VAULT_DIR/bin/vault

log() { printf 'vault/build.sh: %s\n' "$*" >&2; }
die() { printf 'vault/build.sh: ERROR: %s\n' "$*" >&2; exit 1; }

is_built() {
  [[ -x $BIN ]] || return 1
  local out
  out=$("$BIN" version 2>&1) || return 1
  [[ $out == "Vault $VAULT_VERSION"* ]]
}

if [[ ${1:-} == --print-env ]]; then
  is_built || die "the Vault binary is not built; run $0"
  echo "VAULT_BIN=$VAULT_DIR/bin"
  exit 0
elif [[ $# -gt 0 ]]; then
  die "unknown argument: $1 (usage: $0 [--print-env])"
fi

if is_built; then
  log "vault $VAULT_VERSION: already built"
  echo "VAULT_BIN=$VAULT_DIR/bin"
  exit 0
fi

go_env_under_cache 25 "vault $VAULT_VERSION"

# One build at a time per Vault version (a second run waits, then finds it built).
mkdir -p "$VAULT_DIR/bin"
exec 8>"$VAULT_DIR/.build.lock"
flock 8 || die "cannot lock $VAULT_DIR/.build.lock"
if is_built; then echo "VAULT_BIN=$VAULT_DIR/bin"; exit 0; fi

# The vault module points its api and sdk modules at ./api and ./sdk (replace directives), so
# "go install pkg@version" refuses it. A throwaway main module requires it instead: the api and
# sdk then resolve to the published versions its go.mod requires, and its two replaces of
# third-party forks are carried over.
src=$VAULT_DIR/src
if ! grep -q "github.com/hashicorp/vault $VAULT_VERSION" "$src/go.mod" 2>/dev/null || [[ ! -s $src/go.sum ]]; then
  log "resolving github.com/hashicorp/vault@$VAULT_VERSION"
  json=$(go mod download -json "github.com/hashicorp/vault@$VAULT_VERSION") \
    || die "cannot download github.com/hashicorp/vault@$VAULT_VERSION through the Go module proxy: $json"
  gomod=$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")
  [[ -s $gomod ]] || die "no go.mod for github.com/hashicorp/vault@$VAULT_VERSION in: $json"
  mkdir -p "$src"
  rm -f "$src/go.mod" "$src/go.sum"
  {
    echo "module appspark.test/vault-build"
    echo
    grep -m1 -E '^go [0-9.]+$' "$gomod"
    echo
    echo "require github.com/hashicorp/vault $VAULT_VERSION"
    echo
    echo "tool github.com/hashicorp/vault"
    echo
    grep -E '^replace ' "$gomod" | grep -v '=> \./' || true
  } >"$src/go.mod"
  (cd "$src" && go mod tidy) || { rm -f "$src/go.mod"; die "go mod tidy for github.com/hashicorp/vault@$VAULT_VERSION failed"; }
fi

# The sdk: vault's go.mod requires github.com/hashicorp/vault/sdk $VAULT_SDK_VERSION but builds
# against its own ./sdk, which the module zip leaves out, and at $VAULT_VERSION the two differ in
# two declarations vault uses. The build takes a copy of the published sdk, under the cache, with
# those declared as vault's tree has them (patch-sdk.py says which and checks each).
sdk=$VAULT_DIR/sdk-$VAULT_SDK_VERSION
if [[ ! -f $sdk/.patched ]]; then
  log "preparing the sdk $VAULT_SDK_VERSION for vault $VAULT_VERSION"
  command -v python3 >/dev/null 2>&1 || die "python3 is needed to prepare the sdk"
  sdk_json=$(go mod download -json "github.com/hashicorp/vault/sdk@$VAULT_SDK_VERSION") \
    || die "cannot download github.com/hashicorp/vault/sdk@$VAULT_SDK_VERSION: $sdk_json"
  sdk_dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$sdk_json")
  [[ -d $sdk_dir ]] || die "no directory for github.com/hashicorp/vault/sdk@$VAULT_SDK_VERSION in: $sdk_json"
  rm -rf "$sdk.tmp" && cp -r "$sdk_dir" "$sdk.tmp" && chmod -R u+w "$sdk.tmp"
  python3 "$HERE/patch-sdk.py" "$sdk.tmp" || die "the sdk $VAULT_SDK_VERSION could not be prepared"
  touch "$sdk.tmp/.patched"
  rm -rf "$sdk" && mv "$sdk.tmp" "$sdk"
fi
(cd "$src" && go mod edit -replace "github.com/hashicorp/vault/sdk=$sdk") || die "cannot point $src/go.mod at $sdk"

log "building vault $VAULT_VERSION (about 10 minutes on 2 cores, once)"
t=$(now)
(cd "$src" && go build -ldflags "-s -w" -o "$VAULT_DIR/bin/.vault.tmp" github.com/hashicorp/vault) \
  || die "go build of github.com/hashicorp/vault@$VAULT_VERSION failed"
mv -f "$VAULT_DIR/bin/.vault.tmp" "$BIN"
is_built || die "$BIN does not report $VAULT_VERSION: $("$BIN" version 2>&1 | head -3)"
record_time "vault-$VAULT_VERSION" "$(elapsed "$t")"
echo "VAULT_BIN=$VAULT_DIR/bin"
