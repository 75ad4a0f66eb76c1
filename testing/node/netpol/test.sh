#!/usr/bin/env bash
# go vet and go test of the NetworkPolicy enforcer, with Go's directories under the cache
# (testing/go-build-env.sh). Run as root, the tests also hand every rendered script to the
# kernel (nft --check, which changes nothing).
#
# Usage: testing/node/netpol/test.sh [go test flags...]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { printf 'netpol/test.sh: %s\n' "$*" >&2; }
die() { printf 'netpol/test.sh: ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=testing/go-build-env.sh
source "$HERE/../../go-build-env.sh"
go_env_under_cache 26 "the NetworkPolicy enforcer's tests"
cd "$HERE"
unformatted=$(gofmt -l .)
[[ -z $unformatted ]] || die "not gofmt-formatted: $unformatted"
go vet ./...
go test "$@" ./...
