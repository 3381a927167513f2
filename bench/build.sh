# Sourced by the bench/*.sh scripts: builds the app jar when missing (BENCH_REBUILD=1 forces it,
# BENCH_BUILD_DIR picks the build directory), compiles bench/src against it, and sets ROOT, CP and OUT_PREFIX.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
BUILD_DIR=${BENCH_BUILD_DIR:-target}
if [[ ! -f "$BUILD_DIR/shopify-sync.jar" || ! -d "$BUILD_DIR/lib" || -n "${BENCH_REBUILD:-}" ]]; then
  echo "# building the app jar ($BUILD_DIR/shopify-sync.jar)" >&2
  mvn -B -q package -DskipTests -Dbuild.dir="$ROOT/$BUILD_DIR"
fi
CP="$BUILD_DIR/shopify-sync.jar:$BUILD_DIR/lib/*"
rm -rf bench/classes
mkdir -p bench/classes bench/results
javac -d bench/classes -cp "$CP" $(find bench/src -name '*.java')
export SHOPIFY_SYNC_HOME="$ROOT" LOG_LEVEL=WARN
