#!/usr/bin/env bash
# Webhook intake benchmark into PostgreSQL (127.0.0.1:5432, a fresh database per run; BENCH_PG_URL to change it):
#   bench/webhooks.sh [rate] [seconds] [connections]     default 3000/s for 12 s over 64 connections
# Open-loop Java load generator (Vert.x HttpClient) against the real app (route webhook-intake), then against a
# bare Vert.x handler doing the same HMAC + INSERT, at the same rate in the same run; prints both and the ratio.
# Numbers go to stdout and bench/results/webhooks-<timestamp>.txt.
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
OUT="bench/results/webhooks-$(date +%Y%m%d-%H%M%S).txt"
export SHOPIFY_SYNC_HOME="$ROOT" LOG_LEVEL=WARN

java -Xmx1g -Xlog:gc:file=bench/results/gc-webhooks.log -cp "bench/classes:$CP" io.shopifysync.bench.WebhookBench "$@" \
  2>bench/results/stderr-webhooks.log | tee "$OUT"
echo "# results in $OUT"
