#!/usr/bin/env bash
# Stops what testing/node/up.sh started in STATE_DIR: the node, then the control plane, and
# removes STATE_DIR. Exits non-zero if anything was left.
#
# Usage: testing/node/down.sh STATE_DIR
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# -eq 1 && -n $1 ]] || { echo "usage: $0 STATE_DIR" >&2; exit 2; }
rc=0
"$HERE/stop.sh" "$1" || rc=1
purge=(); [[ $rc -eq 0 ]] && purge=(--purge)
"$HERE/../control-plane/stop.sh" "$1" "${purge[@]}" || rc=1
exit $rc
