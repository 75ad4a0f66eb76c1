#!/usr/bin/env bash
# Imports an image built here with podman into the runtime of the node started in STATE_DIR, so
# that pods run it without any pull, under its own name and the aliases given (e.g. the name
# without "localhost/", which Kubernetes reads as docker.io/...). The saved archive is cached
# under ${APPSPARK_CACHE:-~/.cache/appspark}/node-images by image id, so a second node start only
# imports it.
#
# Usage: testing/node/images.sh STATE_DIR IMAGE [ALIAS...]
set -euo pipefail

log() { printf 'node/images.sh: %s\n' "$*" >&2; }
die() { printf 'node/images.sh: ERROR: %s\n' "$*" >&2; exit 1; }
[[ $# -ge 2 && -f $1/node/env ]] || die "usage: $0 STATE_DIR IMAGE [ALIAS...] (a node started with testing/node/start.sh)"
STATE=$(cd "$1" && pwd)
image=$2
shift 2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC1091
source "$STATE/node/env"
eval "$("$HERE/build.sh" --print-env)"
CACHE=${APPSPARK_CACHE:-$HOME/.cache/appspark}/node-images

id=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null) || die "no podman image $image (build it first)"
id=${id:0:16}
mkdir -p "$CACHE"
archive=$CACHE/$id.tar
if [[ ! -s $archive ]]; then
  log "saving $image ($id)"
  podman save -q --format docker-archive -o "$archive.tmp" "$image" >/dev/null || die "podman save $image failed"
  mv "$archive.tmp" "$archive"
  # Archives of images that are gone from podman are of no further use.
  for old in "$CACHE"/*.tar; do
    [[ $old == "$archive" ]] && continue
    podman image exists "$(basename "$old" .tar)" 2>/dev/null || rm -f "$old"
  done
fi
ctr=("$CONTAINERD_BIN/ctr" --address "$CONTAINERD_SOCK" -n k8s.io)
in_ns() { nsenter -t "$NODE_NAMESPACE_PID" -m -- "$@"; }
in_ns "${ctr[@]}" images import "$archive" >/dev/null 2>&1 || die "importing $image into the node failed"
name=$image
[[ $name == */* ]] || name=docker.io/library/$name
for alias in "$@"; do
  case $alias in
    */*/*) full=$alias ;;
    */*) full=docker.io/$alias ;;
    *) full=docker.io/library/$alias ;;
  esac
  in_ns "${ctr[@]}" images tag --force "$name" "$full" >/dev/null || die "cannot tag $name as $full"
done
log "imported $image${*:+ as $*}"
