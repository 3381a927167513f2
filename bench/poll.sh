#!/usr/bin/env bash
# Paged-sync throughput against the rate limit, into PostgreSQL (127.0.0.1:5432, a fresh database per run;
# BENCH_PG_URL to change it):
#   bench/poll.sh [customers] [plan]   (default 5000 customers, plan basic)
# An emulated store is imported page by page (import.paged-only=true) through the real routes; printed:
# objects, seconds, achieved objects/s, the rate limit's bound, their ratio, requests and THROTTLED per 100.
# Numbers go to stdout and bench/results/poll-<timestamp>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD_DIR=${BENCH_BUILD_DIR:-target}

if [[ ! -f "$BUILD_DIR/shopify-sync.jar" || ! -d "$BUILD_DIR/lib" || -n "${BENCH_REBUILD:-}" ]]; then
  echo "# building the app jar ($BUILD_DIR/shopify-sync.jar)" >&2
  mvn -B -q package -DskipTests -Dbuild.dir="$ROOT/$BUILD_DIR"
fi
CP="$BUILD_DIR/shopify-sync.jar:$BUILD_DIR/lib/*"
mkdir -p bench/classes bench/results
javac -d bench/classes -cp "$CP" $(find bench/src -name '*.java')
OUT="bench/results/poll-$(date +%Y%m%d-%H%M%S).txt"
export SHOPIFY_SYNC_HOME="$ROOT" LOG_LEVEL=WARN

java -Xmx1g -cp "bench/classes:$CP" io.shopifysync.bench.PollBench "$@" 2>bench/results/stderr.log | tee "$OUT"
echo "# results in $OUT"
