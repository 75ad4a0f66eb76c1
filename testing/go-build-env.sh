# shellcheck shell=bash
# Sourced (not run) by the scripts that build test servers from Go modules
# (testing/control-plane/build.sh, testing/vault/build.sh). Gives them:
#   CACHE       ${APPSPARK_CACHE:-$HOME/.cache/appspark}, created
#   TIMES_LOG   $CACHE/build-times.log, one line per binary built
#   GO_VERSION  the toolchain's version, after go_env_under_cache
#   go_env_under_cache MIN_MINOR WHAT: checks Go >= 1.MIN_MINOR is on PATH and points every
#               directory Go writes (module cache, build cache) under $CACHE, so a fresh
#               machine works and a second build reuses what the first compiled
#   now / elapsed START: wall-clock seconds
#   record_time NAME SECONDS: appends to $TIMES_LOG and says so
# The caller defines log and die.

CACHE=${APPSPARK_CACHE:-$HOME/.cache/appspark}
TIMES_LOG=$CACHE/build-times.log

go_env_under_cache() {
  local min_minor=$1 what=$2 minor
  command -v go >/dev/null 2>&1 || die "go is not on PATH (Go >= 1.$min_minor is needed for $what)"
  GO_VERSION=$(go env GOVERSION) || die "'go env GOVERSION' failed"
  minor=$(sed -n 's/^go1\.\([0-9]*\).*/\1/p' <<<"$GO_VERSION")
  [[ -n $minor && $minor -ge $min_minor ]] || die "$GO_VERSION is too old: $what needs Go >= 1.$min_minor"
  mkdir -p "$CACHE" || die "cannot create $CACHE"
  export GOPATH=$CACHE/go
  export GOMODCACHE=$CACHE/go/pkg/mod
  export GOCACHE=$CACHE/go-build
  export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
  export GOFLAGS="-trimpath -buildvcs=false"
  unset GOBIN GOOS GOARCH GOEXPERIMENT
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }
record_time() {
  printf '%s %s %ss go=%s cores=%s\n' "$(date -u +%FT%TZ)" "$1" "$2" "$GO_VERSION" "$(nproc)" >>"$TIMES_LOG"
  log "built $1 in $2 s"
}
