#!/usr/bin/env bash
# Many stores, one instance vs two, on PostgreSQL (127.0.0.1:5432, a fresh database per run; BENCH_PG_URL to change it):
#   bench/scale.sh [shops] [poll-interval-ms] [lag-samples] [spread-seconds] [partitions]   (default 1000 10000 300 60 8)
# Emulated small stores are imported and then polled by `run` instances in JVMs of their own (clustered Quartz,
# partitioned jobs, work locks); printed: first-import time, sync lag p50/p95/p99 under polling, scaling ratio.
# Numbers go to stdout and bench/results/scale-<timestamp>.txt; the instances' logs to bench/results/scale-instance-N.log.
source "$(dirname "$0")/build.sh"
OUT="bench/results/scale-$(date +%Y%m%d-%H%M%S).txt"
uptime | tee "$OUT"
java -Xmx1500m -cp "bench/classes:$CP" io.shopifysync.bench.ScaleBench "$@" 2>bench/results/stderr.log | tee -a "$OUT"
uptime | tee -a "$OUT"
echo "# results in $OUT"
