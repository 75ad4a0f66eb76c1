#!/usr/bin/env bash
# Runs the autoscaler benchmarks on real local clusters (Spark processes on this machine) and
# writes their reports into results/: reaction.json, trace.json and SVG plots.
#
#   benchmarks/autoscaler/run.sh                 # both: reaction (10 rounds) and the bursty trace (3 x 8 tasks of 20 s, 3 min gaps)
#   benchmarks/autoscaler/run.sh trace --autoscaler-min=1                  # the autoscaler keeps one worker between bursts
#   benchmarks/autoscaler/run.sh reaction --reps=20
#   benchmarks/autoscaler/run.sh trace --gap-ms=120000                     # shorter gaps: less to save (results/trace-gap120s.json)
#
# Takes tens of minutes on a small machine. Asserts nothing: it measures and reports.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$root/mvnw" -B -q -DskipTests -Dspotless.check.skip=true -pl benchmarks/autoscaler -am package >&2
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
exec "$java" -Dappspark.home="$root" -Dappspark.log.level=warn \
  -cp "$root/benchmarks/autoscaler/target/appspark-benchmarks-autoscaler.jar:$root/benchmarks/autoscaler/target/lib/*" \
  io.appspark.benchmarks.autoscaler.Main --out="$root/benchmarks/autoscaler/results" "${@:-all}"
