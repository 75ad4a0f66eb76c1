#!/usr/bin/env bash
# build.sh SPARK_IMAGE
#
# Builds the appspark JupyterLab image FROM the cluster's Spark image (as podman names it, e.g.
# localhost/appspark/spark:4.2.0-0.1.0-SNAPSHOT) and prints its tag last, on stdout:
# localhost/appspark/jupyterlab:<spark version>-<content hash>.
#
# - Python packages: the wheels pinned in requirements.lock, downloaded on the host once into
#   ${APPSPARK_CACHE:-~/.cache/appspark}/jupyterlab-wheels-<hash of the lock and pyspark's
#   archive>, and installed offline in the build (bind-mounted, never copied into a layer).
#   pyspark's wheel is built there from its pinned release archive (the one setup-venv.sh uses,
#   checked against its sha256) without Spark's jars: the image has the cluster's.
# - python3: from the base's Debian packages if the Spark image lacks it.
# - Cached: the tag's hash covers the Spark image's id, the lock, the wheels, this directory and
#   the notebooks and helper copied in; an image with that tag already there is not rebuilt.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
notebooks=$(dirname "$here")
log() { printf 'jupyterlab/build.sh: %s\n' "$*" >&2; }
die() { printf 'jupyterlab/build.sh: ERROR: %s\n' "$*" >&2; exit 1; }
[[ $# -eq 1 && -n $1 ]] || die "usage: $0 SPARK_IMAGE (the podman name of appspark's Spark image)"
spark_image=$1
cache=${APPSPARK_CACHE:-$HOME/.cache/appspark}
python=${PYTHON:-python3}

# pyspark: the version notebooks/requirements.txt pins, from the archive setup-venv.sh verifies.
pyspark_version=$(sed -n 's/^pyspark==\([^ ]*\).*/\1/p' "$notebooks/requirements.txt")
pyspark_sha256=$(sed -n 's/^sha256=\(.*\)/\1/p' "$notebooks/setup-venv.sh")
[[ -n $pyspark_version && -n $pyspark_sha256 ]] || die "cannot read pyspark's pin from notebooks/requirements.txt and setup-venv.sh"
# One set of pins: what notebooks/requirements.txt pins must be what the lock pins.
while read -r pin; do
  grep -qixF -- "$pin" "$here/requirements.lock" ||
    die "requirements.lock lacks '$pin' of notebooks/requirements.txt: pin the same version in both"
done < <(grep -E '^[A-Za-z0-9]' "$notebooks/requirements.txt" | grep -v '^pyspark==' | sed 's/[[:space:]]*#.*//')

id=$(podman image inspect --format '{{.Id}}' "$spark_image" 2>/dev/null) || die "no podman image $spark_image (build it with spark-image/build.sh)"
lock_hash=$( (cat "$here/requirements.lock"; echo "pyspark $pyspark_version $pyspark_sha256") | sha256sum | cut -c1-16)
wheels=$cache/jupyterlab-wheels-$lock_hash
content_hash=$( (echo "$id $lock_hash"; cat "$here/Containerfile" "$here/build.sh" "$notebooks/appspark_notebook.py" \
  "$notebooks/test/execute_notebooks.py" "$notebooks"/*.ipynb) | sha256sum | cut -c1-16)
tag=localhost/appspark/jupyterlab:$pyspark_version-$content_hash
if podman image exists "$tag"; then
  log "$tag is built (content unchanged)"
  echo "$tag"
  exit 0
fi

if [[ ! -f $wheels/.complete ]]; then
  log "downloading the wheels of requirements.lock into $wheels"
  rm -rf "$wheels.tmp" && mkdir -p "$wheels.tmp"
  "$python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --implementation cp --python-version 3.11 --abi cp311 --abi abi3 --abi none \
    --platform manylinux_2_36_x86_64 --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 --platform linux_x86_64 --platform any \
    -r "$here/requirements.lock" -d "$wheels.tmp" >&2 || die "pip download of requirements.lock failed"
  archive=$cache/pyspark-$pyspark_version/pyspark-$pyspark_version.tar.gz
  if [[ ! -f $archive ]] || ! echo "$pyspark_sha256  $archive" | sha256sum --quiet -c - 2>/dev/null; then
    log "downloading pyspark $pyspark_version's release archive"
    mkdir -p "$(dirname "$archive")"
    "$python" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary=:all: \
      "pyspark==$pyspark_version" -d "$(dirname "$archive")" >&2 || die "pip download pyspark failed"
    echo "$pyspark_sha256  $archive" | sha256sum --quiet -c - || die "$archive does not have the pinned sha256"
  fi
  log "building pyspark $pyspark_version's wheel without Spark's jars"
  src=$(mktemp -d)
  trap 'rm -rf "$src"' EXIT
  tar xzf "$archive" -C "$src" --exclude="pyspark-$pyspark_version/deps/jars/*" \
    --exclude="pyspark-$pyspark_version/deps/examples/*"
  "$python" -m pip wheel --quiet --disable-pip-version-check --no-deps "$src/pyspark-$pyspark_version" \
    -w "$wheels.tmp" >&2 || die "building pyspark's wheel failed"
  cp "$here/requirements.lock" "$wheels.tmp/"
  touch "$wheels.tmp/.complete"
  rm -rf "$wheels" && mv "$wheels.tmp" "$wheels"
fi

# The build context: hard links to the cached wheels, the helper and the notebooks.
ctx=$here/target/context
rm -rf "$ctx" && mkdir -p "$ctx/notebooks"
cp -al "$wheels" "$ctx/wheels" 2>/dev/null || cp -a "$wheels" "$ctx/wheels"
ln -f "$ctx"/wheels/pip-*.whl "$ctx/wheels/pip.whl"
cp "$notebooks/appspark_notebook.py" "$notebooks/test/execute_notebooks.py" "$ctx/"
cp "$notebooks"/*.ipynb "$ctx/notebooks/"
chmod -R a+rX "$ctx"
log "podman build $tag FROM $spark_image"
podman build --build-arg "SPARK_IMAGE=$spark_image" \
  --label "io.appspark.content.hash=$content_hash" -f "$here/Containerfile" -t "$tag" "$ctx" >&2 ||
  die "podman build failed"
rm -rf "$ctx"
echo "$tag"
