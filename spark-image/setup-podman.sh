#!/usr/bin/env bash
# Makes this machine able to build and run the appspark images with podman (rootful):
# installs podman, buildah, runc and debootstrap if missing, and writes
# /etc/containers/containers.conf unless one is already there. Idempotent; needs root.
#
# Why these settings (measured on sandboxes like the one the tests run in, see
# shared/env-notes.md): the sandbox lacks CAP_SYS_RESOURCE, so setting rlimits and pid limits
# fails (default_ulimits = [], pids_limit = 0); systemd is absent (cgroupfs); crun refuses the
# hybrid cgroup layout while runc accepts it.
set -euo pipefail

conf=/etc/containers/containers.conf

[ "$(id -u)" -eq 0 ] || { echo "setup-podman.sh: must run as root" >&2; exit 2; }

need=()
for tool in podman buildah runc debootstrap; do
  command -v "$tool" >/dev/null || need+=("$tool")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "setup-podman.sh: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -e "$conf" ]; then
  echo "setup-podman.sh: keeping the existing $conf" >&2
else
  mkdir -p "$(dirname "$conf")"
  cat >"$conf" <<'CONF'
# Written by appspark's spark-image/setup-podman.sh for sandboxed machines without
# CAP_SYS_RESOURCE and systemd. Delete this file to go back to the distribution's defaults.
[containers]
default_ulimits = []
pids_limit = 0

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
CONF
  echo "setup-podman.sh: wrote $conf" >&2
fi
