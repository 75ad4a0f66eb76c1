#!/bin/bash
# Proves bin/appspark-nss-wrapper: run as an arbitrary UID with no passwd entry
# (as OpenShift does), Hadoop's UserGroupInformation.getCurrentUser() and
# `whoami` fail without the wrapper and succeed with it; for a UID that has an
# entry the wrapper changes nothing.
#
# Standalone (no project build needed); must run as root (setpriv switches UID).
# Installs what it lacks (Debian packages; Hadoop jars through Maven, cached in
# ~/.m2). Prints "N passed, M failed" last and exits non-zero on any failure.
# The single-quoted sh -c scripts below are expanded by the inner shell, on purpose.
# shellcheck disable=SC2016
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
wrapper=$here/../bin/appspark-nss-wrapper
hadoop_version=3.5.0
slf4j_version=1.7.36 # the version Hadoop 3.5.0 is built with
arbitrary_uid=1000370000

[ "$(id -u)" -eq 0 ] || { echo "run-tests.sh: must run as root (it uses setpriv to switch UID)" >&2; exit 2; }

# --- (a) install what is missing, idempotently -------------------------------
need=()
command -v setpriv >/dev/null || need+=(util-linux)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
ls /usr/lib/*-linux-gnu/libnss_wrapper.so >/dev/null 2>&1 || need+=(libnss-wrapper)
if [ "${#need[@]}" -gt 0 ]; then
    echo "installing: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- (b) resolve jars and compile UgiCheck into a dir the arbitrary UID reads -
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/jars" "$work/classes" "$work/tmp"
cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.appspark</groupId>
  <artifactId>nss-wrapper-ugi-check</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.hadoop</groupId><artifactId>hadoop-client-api</artifactId><version>$hadoop_version</version></dependency>
    <dependency><groupId>org.apache.hadoop</groupId><artifactId>hadoop-client-runtime</artifactId><version>$hadoop_version</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>$slf4j_version</version></dependency>
  </dependencies>
</project>
EOF
(cd "$work" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DexcludeTransitive=true -DoutputDirectory="$work/jars" >"$work/mvn.log" 2>&1) ||
    { cat "$work/mvn.log" >&2; echo "run-tests.sh: Maven could not resolve the Hadoop client jars" >&2; exit 2; }
rm "$work/pom.xml" "$work/mvn.log"
echo "classpath jars: $(cd "$work/jars" && echo *.jar)"
javac -d "$work/classes" -cp "$work/jars/*" "$here/UgiCheck.java"
cp "$wrapper" "$work/appspark-nss-wrapper"
chmod -R a+rX "$work"
chmod 755 "$work" "$work/appspark-nss-wrapper"
chmod 1777 "$work/tmp" # TMPDIR of the runs, so the wrapper's own dirs are cleaned up with $work
cd "$work"

# --- (c) assertions ------------------------------------------------------------
# Commands below are expected to fail; each assertion reads the status of the
# test just before it.
set +e
passed=0
failed=0
result() { # result NAME DETAIL -- after a test command: counts and reports it
    if [ "$?" -eq 0 ]; then
        passed=$((passed + 1)); echo "PASS: $1"
    else
        failed=$((failed + 1)); echo "FAIL: $1 -- $2"
    fi
}
# as UID [ENV=VALUE...] -- COMMAND...: run in a clean, container-like environment
as() {
    local uid=$1; shift
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    setpriv --reuid "$uid" --regid 0 --clear-groups \
        env -i PATH="$PATH" HOME=/ TMPDIR="$work/tmp" "${envs[@]}" "$@"
}
ugi=(java -cp "$work/classes:$work/jars/*" UgiCheck)
W=$work/appspark-nss-wrapper
field() { sed -n "s/^$1=//p" <<<"$2"; } # field KEY OUTPUT
flat() { tr '\n' ' ' <<<"$1"; }

echo "== UID $arbitrary_uid, GID 0, no passwd entry, WITHOUT the wrapper"
out=$(as $arbitrary_uid -- whoami 2>&1); rc=$?
echo "   whoami: exit $rc: $out"
[ $rc -ne 0 ]; result "whoami fails without wrapper" "exit $rc, output: $out"

out=$(as $arbitrary_uid -- "${ugi[@]}" 2>/dev/null); rc=$?
echo "   UgiCheck: exit $rc: $(flat "$out")"
[ $rc -ne 0 ] && grep -q 'Invalid UID, could not determine effective user' <<<"$out"
result "UGI getCurrentUser fails without wrapper (Invalid UID)" "exit $rc, output: $out"

out=$(as $arbitrary_uid HADOOP_USER_NAME=appspark -- "${ugi[@]}" 2>/dev/null); rc=$?
echo "   UgiCheck with only HADOOP_USER_NAME=appspark: exit $rc: $(flat "$out")"
[ $rc -ne 0 ]; result "HADOOP_USER_NAME alone does not help" "exit $rc, output: $out"

echo "== UID $arbitrary_uid, GID 0, no passwd entry, WITH the wrapper"
out=$(as $arbitrary_uid -- "$W" whoami 2>&1); rc=$?
echo "   whoami: exit $rc: $out"
[ $rc -eq 0 ] && [ "$out" = appspark ]; result "whoami prints appspark with wrapper" "exit $rc, output: $out"

out=$(as $arbitrary_uid -- "$W" "${ugi[@]}" 2>/dev/null); rc=$?
echo "   UgiCheck: exit $rc: $(flat "$out")"
[ $rc -eq 0 ] && [ "$(field ugi "$out")" = appspark ]
result "UGI getCurrentUser is appspark with wrapper" "exit $rc, output: $out"
[ "$(field user.name "$out")" = appspark ]; result "Java user.name is appspark with wrapper" "output: $out"

out=$(as $arbitrary_uid -- "$W" sh -c 'echo "$SPARK_USER $HADOOP_USER_NAME $(id -gn)"' 2>&1); rc=$?
[ "$out" = 'appspark appspark root' ]
result "SPARK_USER and HADOOP_USER_NAME set, group root" "exit $rc, output: $out"

out=$(as $arbitrary_uid APPSPARK_USER_NAME=sparky -- "$W" "${ugi[@]}" 2>/dev/null); rc=$?
echo "   UgiCheck with APPSPARK_USER_NAME=sparky: exit $rc: $(flat "$out")"
[ $rc -eq 0 ] && [ "$(field ugi "$out")" = sparky ] && [ "$(field user.name "$out")" = sparky ]
result "APPSPARK_USER_NAME chooses the name" "exit $rc, output: $out"

out=$(as $arbitrary_uid HADOOP_USER_NAME=alice -- "$W" sh -c 'echo "$SPARK_USER $HADOOP_USER_NAME $(whoami)"' 2>&1); rc=$?
[ "$out" = 'alice alice appspark' ]
result "a preset HADOOP_USER_NAME is kept and copied to SPARK_USER" "exit $rc, output: $out"

out=$(as $arbitrary_uid NSS_WRAPPER_DIR="$work/tmp/nss" -- "$W" sh -c 'echo "$NSS_WRAPPER_PASSWD $HOME"; tail -n1 "$NSS_WRAPPER_PASSWD"' 2>&1); rc=$?
[ "$out" = "$work/tmp/nss/passwd $work/tmp/nss
appspark:x:$arbitrary_uid:0:appspark user:$work/tmp/nss:/bin/sh" ]
result "NSS_WRAPPER_DIR is used, and is HOME when HOME is not writable" "exit $rc, output: $out"

out=$(as $arbitrary_uid -- "$W" "$W" sh -c 'echo "$LD_PRELOAD"' 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(wc -w <<<"$out")" -eq 1 ]; result "wrapper inside wrapper preloads once" "exit $rc, output: $out"

echo "== UIDs that have a passwd entry: the wrapper changes nothing"
for uid in 0 65534; do
    plain=$(as $uid -- whoami 2>&1)
    out=$(as $uid -- "$W" whoami 2>&1); rc=$?
    echo "   UID $uid: whoami without wrapper: $plain, with: $out"
    [ $rc -eq 0 ] && [ "$out" = "$plain" ]
    result "UID $uid: same whoami with and without wrapper" "without: $plain, with: exit $rc $out"
    out=$(as $uid -- "$W" sh -c 'echo "${LD_PRELOAD:-unset} ${NSS_WRAPPER_PASSWD:-unset} $HOME $SPARK_USER"' 2>&1)
    [ "$out" = "unset unset / $plain" ]; result "UID $uid: no preload, HOME kept, SPARK_USER=$plain" "output: $out"
done
out=$(as 65534 -- "$W" "${ugi[@]}" 2>/dev/null); rc=$?
[ $rc -eq 0 ] && [ "$(field ugi "$out")" = nobody ]; result "UID 65534: UGI is nobody with wrapper" "exit $rc, output: $out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
