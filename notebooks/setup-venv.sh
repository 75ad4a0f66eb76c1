#!/usr/bin/env bash
# Creates the notebooks' Python environment in notebooks/.venv, idempotently: a second run with the
# same requirements and Python does nothing. pyspark comes from the pinned release archive that
# notebooks/image/build.sh caches (checked against its sha256) when it is there, else from the
# registry.
# Prints the venv's python path on stdout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=${APPSPARK_NOTEBOOK_VENV:-$here/.venv}
python=${PYTHON:-python3}
version=4.2.0
sha256=5ad689d53570ee1674193fd4f9bda065f0db3be9363a27d2a3406cc457b70b61
archive=${APPSPARK_CACHE:-$HOME/.cache/appspark}/pyspark-$version/pyspark-$version.tar.gz

stamp=$venv/.appspark-requirements
want=$( (cat "$here/requirements.txt"; "$python" --version) | sha256sum | cut -c1-16)
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "$venv/bin/python"
  exit 0
fi

echo "notebooks: setting up $venv ..." >&2
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --quiet --disable-pip-version-check)
if ! "$venv/bin/python" -c "import importlib.metadata as m; assert m.version('pyspark') == '$version'" 2>/dev/null; then
  if [ -f "$archive" ] && echo "$sha256  $archive" | sha256sum --quiet -c - 2>/dev/null; then
    echo "notebooks: installing pyspark $version from $archive" >&2
    "${pip[@]}" install --no-deps "$archive" >&2
  fi
fi
"${pip[@]}" install -r "$here/requirements.txt" >&2
echo "$want" > "$stamp"
echo "$venv/bin/python"
