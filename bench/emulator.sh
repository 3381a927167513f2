#!/usr/bin/env bash
# Emulator benchmark: (a) small GraphQL requests/s, (b) streaming a >= 1M-object bulk JSONL result
# with the emulator in a JVM capped at -Xmx256m. Numbers go to stdout and bench/results/emulator-<timestamp>.txt.
# Usage: bench/emulator.sh [graphql|bulk|all] [--seconds 10] [--inflight 8] [--bulk-orders 360000]
source "$(dirname "$0")/build.sh"

OUT="bench/results/emulator-$(date +%Y%m%d-%H%M%S).txt"
java -Xmx256m -Xms64m -XX:+UseG1GC -Xlog:gc:file=bench/results/gc.log \
  -cp "bench/classes:$CP" io.shopifysync.bench.EmulatorBench "$@" 2>bench/results/stderr.log | tee "$OUT"
echo "# results in $OUT (GC log: bench/results/gc.log, stderr: bench/results/stderr.log)"
