#!/usr/bin/env bash
# Puts the jars listed in mllib-jars.txt into DEST, taken from the pinned pyspark release archive
# (cached under ~/.cache/appspark and checked against its sha256). Idempotent.
set -euo pipefail
dest=${1:?usage: fetch-mllib.sh DEST_JARS_DIR}
here=$(cd "$(dirname "$0")" && pwd)
version=4.2.0
sha256=5ad689d53570ee1674193fd4f9bda065f0db3be9363a27d2a3406cc457b70b61
cache=${APPSPARK_CACHE:-$HOME/.cache/appspark}/pyspark-$version
archive=$cache/pyspark-$version.tar.gz

mapfile -t jars < <(grep -v '^#' "$here/mllib-jars.txt" | grep -v '^$')
missing=0
for jar in "${jars[@]}"; do [ -f "$dest/$jar" ] || missing=1; done
[ "$missing" = 0 ] && exit 0

mkdir -p "$cache" "$dest"
if [ ! -f "$archive" ] || ! echo "$sha256  $archive" | sha256sum --quiet -c - 2>/dev/null; then
  echo "appspark: fetching the pyspark $version release archive (about 450 MB, once) for MLlib $version" >&2
  tmp=$(mktemp -d "$cache/download.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps -d "$tmp" "pyspark==$version" >&2
  echo "$sha256  $tmp/pyspark-$version.tar.gz" | sha256sum --quiet -c - || {
    echo "appspark: pyspark-$version.tar.gz does not match the pinned sha256; refusing it" >&2
    exit 1
  }
  mv "$tmp/pyspark-$version.tar.gz" "$archive"
fi
members=()
for jar in "${jars[@]}"; do members+=("pyspark-$version/deps/jars/$jar"); done
tar -xzf "$archive" -C "$dest" --strip-components=3 "${members[@]}"
