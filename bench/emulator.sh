#!/usr/bin/env bash
# Emulator benchmark: (a) small GraphQL requests/s, (b) streaming a >= 1M-object bulk JSONL result
# with the emulator in a JVM capped at -Xmx256m. Numbers go to stdout and bench/results/emulator-<timestamp>.txt.
# Usage: bench/emulator.sh [graphql|bulk|all] [--seconds 10] [--inflight 8] [--bulk-orders 360000]
set -euo pipefail
cd "$(dirname "$0")/.."
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

OUT="bench/results/emulator-$(date +%Y%m%d-%H%M%S).txt"
java -Xmx256m -Xms64m -XX:+UseG1GC -Xlog:gc:file=bench/results/gc.log \
  -cp "bench/classes:$CP" io.shopifysync.bench.EmulatorBench "$@" 2>bench/results/stderr.log | tee "$OUT"
echo "# results in $OUT (GC log: bench/results/gc.log, stderr: bench/results/stderr.log)"
