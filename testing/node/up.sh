#!/usr/bin/env bash
# A test bed with a real node, in STATE_DIR: the control plane (no kwok node unless KWOK_NODES
# says so), the real node joined to it, and appspark's Spark image built with podman (its layers
# cached) and imported into the node under the tag the model uses. A failed step stops what was
# started. Stop with testing/node/down.sh STATE_DIR.
#
# Usage: testing/node/up.sh STATE_DIR
# Prints the control plane's env, then IMAGE=<the Spark image as pods name it>.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
log() { printf 'node/up.sh: %s\n' "$*" >&2; }
die() { printf 'node/up.sh: ERROR: %s\n' "$*" >&2; exit 1; }
[[ $# -eq 1 && -n $1 ]] || die "usage: $0 STATE_DIR"
mkdir -p "$1"
STATE=$(cd "$1" && pwd)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

t=$(now)
"$HERE/build.sh" >/dev/null
"$ROOT/spark-image/setup-podman.sh" 2>/dev/null
"$ROOT/spark-image/make-base-image.sh" 2>/dev/null
image=$(BASE_IMAGE=localhost/appspark/base-jre17:bookworm "$ROOT/spark-image/build.sh" 2>"$STATE/image-build.log" | tail -n 1) \
  || { tail -n 30 "$STATE/image-build.log" >&2; die "the Spark image build failed (log: $STATE/image-build.log)"; }
T_IMAGE=$(since "$t")

up=0
trap '[[ $up -eq 1 ]] || "$HERE/down.sh" "$STATE" >&2 || true' EXIT
t=$(now)
KWOK_NODES=${KWOK_NODES:-0} "$ROOT/testing/control-plane/start.sh" "$STATE" >/dev/null
T_CP=$(since "$t")
t=$(now)
"$HERE/start.sh" "$STATE" >/dev/null
T_NODE=$(since "$t")
t=$(now)
"$HERE/images.sh" "$STATE" "localhost/$image" "$image"
T_IMPORT=$(since "$t")
up=1
{
  echo "image_build_s=$T_IMAGE"
  echo "control_plane_s=$T_CP"
  echo "node_s=$T_NODE"
  echo "image_import_s=$T_IMPORT"
} >>"$STATE/node/timings"
log "image ${T_IMAGE}s, control plane ${T_CP}s, node ${T_NODE}s, image import ${T_IMPORT}s"
cat "$STATE/env"
echo "IMAGE=$image"
