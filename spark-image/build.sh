#!/usr/bin/env bash
# build.sh [EXTRA BUILD OPTIONS...]
#
# Builds the appspark Spark image with podman, buildah or docker (the first that works, or
# CONTAINER_ENGINE), tagged appspark/spark:<spark version>-<appspark version>. The versions come
# from the root pom.xml and the jars from the Maven build (built here if missing). BASE_IMAGE,
# if set, is passed to the Containerfile (e.g. localhost/appspark/base-jre17:bookworm from
# make-base-image.sh). Prints the tag last, on stdout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
pom=$root/pom.xml

pom_property() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$pom" | head -n 1; }
spark_version=$(pom_property spark.version)
scala_version=$(pom_property scala.binary.version)
hadoop_version=$(pom_property hadoop.version)
appspark_version=$(pom_property version) # the root project's own <version> comes first
tag=appspark/spark:$spark_version-$appspark_version

spark_home=$root/spark-dist/target/spark-home
examples_jar=$root/examples/target/appspark-examples.jar
autoscaler_dir=$root/autoscaler/target
parent_watch_jar=$root/parent-watch/target/appspark-parent-watch.jar
if [ ! -d "$spark_home/jars" ] || [ ! -f "$examples_jar" ] || [ ! -f "$autoscaler_dir/appspark-autoscaler.jar" ] ||
  [ ! -f "$parent_watch_jar" ]; then
  echo "build.sh: building the Spark runtime and the autoscaler with Maven ..." >&2
  (cd "$root" && ./mvnw -B -q -DskipTests package -pl spark-dist,examples,autoscaler,parent-watch -am) >&2
fi
for jar in "spark-core_$scala_version-$spark_version.jar" "hadoop-client-api-$hadoop_version.jar"; do
  [ -f "$spark_home/jars/$jar" ] ||
    { echo "build.sh: $spark_home/jars lacks $jar: rebuild spark-dist (mvn package -pl spark-dist -am)" >&2; exit 1; }
done

# The build context holds /opt/spark as it will be. Hard links keep it cheap.
ctx=$here/target/context
rm -rf "$ctx"
mkdir -p "$ctx/spark/bin" "$ctx/spark/examples/jars"
cp -al "$spark_home/jars" "$ctx/spark/jars" 2>/dev/null || cp -a "$spark_home/jars" "$ctx/spark/jars"
cp -a "$here/conf" "$ctx/spark/conf"
cp "$here/entrypoint.sh" "$root/nss-wrapper/bin/appspark-nss-wrapper" "$ctx/spark/bin/"
cp "$examples_jar" "$ctx/spark/examples/jars/"
mkdir -p "$ctx/appspark/autoscaler"
cp "$autoscaler_dir/appspark-autoscaler.jar" "$ctx/appspark/autoscaler/"
cp -al "$autoscaler_dir/lib" "$ctx/appspark/autoscaler/lib" 2>/dev/null || cp -a "$autoscaler_dir/lib" "$ctx/appspark/autoscaler/lib"
# StdinSystemProperties: how a driver's JVM gets the settings its secret references resolved to.
mkdir -p "$ctx/appspark/lib"
cp "$parent_watch_jar" "$ctx/appspark/lib/"
chmod -R a+rX "$ctx"

works() {
  case $1 in
    podman | docker) "$1" info >/dev/null 2>&1 ;;
    buildah) command -v buildah >/dev/null ;;
    *) return 1 ;;
  esac
}
engine=${CONTAINER_ENGINE:-}
if [ -z "$engine" ]; then
  for candidate in podman buildah docker; do
    if works "$candidate"; then engine=$candidate && break; fi
  done
fi
if [ -z "$engine" ] || ! works "$engine"; then
  echo "build.sh: no working podman, buildah or docker (see setup-podman.sh)" >&2
  exit 1
fi

args=(-f "$here/Containerfile" -t "$tag"
  --build-arg "SPARK_VERSION=$spark_version" --build-arg "SCALA_BINARY_VERSION=$scala_version"
  --build-arg "HADOOP_VERSION=$hadoop_version" --build-arg "APPSPARK_VERSION=$appspark_version")
[ -z "${BASE_IMAGE:-}" ] || args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")

echo "build.sh: $engine build $tag${BASE_IMAGE:+ on $BASE_IMAGE}" >&2
if [ "$engine" = buildah ]; then
  buildah bud "${args[@]}" "$@" "$ctx" >&2
else
  "$engine" build "${args[@]}" "$@" "$ctx" >&2
fi
echo "$tag"
