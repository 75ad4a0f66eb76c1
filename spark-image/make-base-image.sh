#!/usr/bin/env bash
# make-base-image.sh [--force]
#
# Makes the local base image localhost/appspark/base-jre17:bookworm without any container
# registry: debootstrap (minbase) a Debian bookworm root with a Java 17 runtime, libnss-wrapper,
# procps and tini, trims documentation and apt caches, and commits it with buildah. Skips the
# work when the image already exists, unless --force. Needs root (debootstrap, buildah mount).
#
# The Debian mirror is read from this machine's apt sources (deb822 files under
# /etc/apt/sources.list.d/ or one-line entries in /etc/apt/sources.list); set DEBIAN_MIRROR
# to choose another.
set -euo pipefail

image=${BASE_IMAGE_NAME:-localhost/appspark/base-jre17:bookworm}
suite=bookworm
packages=openjdk-17-jre-headless,libnss-wrapper,procps,tini

[ "$(id -u)" -eq 0 ] || { echo "make-base-image.sh: must run as root" >&2; exit 2; }
if [ "${1:-}" != "--force" ] && buildah inspect --type image "$image" >/dev/null 2>&1; then
  echo "make-base-image.sh: $image exists; nothing to do (--force to remake it)" >&2
  exit 0
fi

# The first apt source that serves $suite main, in either format.
apt_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { if (deb && ok && uri != "") exit; deb = ok = 0; uri = ""; next }
      tolower($1) == "types:"  { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
      tolower($1) == "uris:"   { uri = $2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
      END { if (deb && ok && uri != "") print uri }' "$f"
  done
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
    sed -E 's/\[[^]]*\]//' |
    awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2 }'
}

mirror=${DEBIAN_MIRROR:-$(apt_mirror | head -n 1)}
[ -n "$mirror" ] || { echo "make-base-image.sh: no apt source for '$suite' found; set DEBIAN_MIRROR" >&2; exit 1; }
for tool in debootstrap buildah; do
  command -v "$tool" >/dev/null || { echo "make-base-image.sh: needs $tool (run setup-podman.sh)" >&2; exit 1; }
done

work=$(mktemp -d /var/tmp/appspark-base.XXXXXX)
ctr=
cleanup() {
  if [ -n "$ctr" ]; then buildah rm "$ctr" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

rootfs=${work:?}/rootfs
echo "make-base-image.sh: debootstrap $suite from the machine's apt mirror ..." >&2
debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

# Smaller image: no documentation, manuals, apt lists or package caches.
rm -rf "${rootfs:?}"/usr/share/doc/* "${rootfs:?}"/usr/share/man/* "${rootfs:?}"/usr/share/info/* \
  "${rootfs:?}"/var/lib/apt/lists/* "${rootfs:?}"/var/cache/apt/*.bin "${rootfs:?}"/var/cache/apt/archives/*.deb \
  "${rootfs:?}"/var/log/* "${rootfs:?}"/dev/*
java_home=$(dirname "$(dirname "$(readlink -f "$rootfs/usr/bin/java")")")
java_home=${java_home#"$rootfs"}

echo "make-base-image.sh: committing $image ..." >&2
ctr=$(buildah from scratch)
mnt=$(buildah mount "$ctr")
tar -C "$rootfs" -cf - . | tar -C "$mnt" -xpf -
buildah umount "$ctr" >/dev/null
buildah config \
  --env JAVA_HOME="$java_home" \
  --env LANG=C.UTF-8 \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --label org.opencontainers.image.title="appspark base: Debian $suite, Java 17 runtime" \
  --label io.appspark.base.packages="$packages" \
  --cmd /bin/bash \
  "$ctr"
buildah commit --quiet --rm "$ctr" "$image" >/dev/null
ctr=
echo "make-base-image.sh: made $image" >&2
