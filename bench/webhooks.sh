#!/usr/bin/env bash
# Webhook intake benchmark into PostgreSQL (127.0.0.1:5432, a fresh database per run; BENCH_PG_URL to change it):
#   bench/webhooks.sh [rate] [seconds] [connections]     default 3000/s for 12 s over 64 connections
# Open-loop load generator (single-threaded java.nio, OpenLoopLoad) against the real app (route webhook-intake), then against a
# bare Vert.x handler doing the same HMAC + INSERT, at the same rate in the same run; prints both and the ratio.
# Numbers go to stdout and bench/results/webhooks-<timestamp>.txt. BENCH_JAVA_OPTS adds JVM options (e.g. a collector);
# BENCH_SIDES=ours skips the bare side (tuning runs, no ratio); the app reads its settings from the environment too.
# bench/load-generator-selfcheck.sh checks the generator itself.
source "$(dirname "$0")/build.sh"
OUT="bench/results/webhooks-$(date +%Y%m%d-%H%M%S).txt"

java -Xmx1g ${BENCH_JAVA_OPTS:-} -Xlog:gc:file=bench/results/gc-webhooks.log -cp "bench/classes:$CP" io.shopifysync.bench.WebhookBench "$@" \
  2>bench/results/stderr-webhooks.log | tee "$OUT"
echo "# results in $OUT"
