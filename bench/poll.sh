#!/usr/bin/env bash
# Paged-sync throughput against the rate limit, into PostgreSQL (127.0.0.1:5432, a fresh database per run;
# BENCH_PG_URL to change it):
#   bench/poll.sh [customers] [plan]   (default 5000 customers, plan basic)
# An emulated store is imported page by page (import.paged-only=true) through the real routes; printed:
# objects, seconds, achieved objects/s, the rate limit's bound, their ratio, requests and THROTTLED per 100.
# Numbers go to stdout and bench/results/poll-<timestamp>.txt.
source "$(dirname "$0")/build.sh"
OUT="bench/results/poll-$(date +%Y%m%d-%H%M%S).txt"

java -Xmx1g -cp "bench/classes:$CP" io.shopifysync.bench.PollBench "$@" 2>bench/results/stderr.log | tee "$OUT"
echo "# results in $OUT"
