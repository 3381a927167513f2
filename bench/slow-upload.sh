#!/usr/bin/env bash
# The slow-upload attack (issue #15) against a real `run` in its own JVM (BENCH_APP_XMX, default 512m) on PostgreSQL:
#   bench/slow-upload.sh [connections=100] [declaredBytes=5242880] [sentBytes=5138022] [seconds=60] [fakehmac|nohmac]
# Prints the worst and median answer times of an admin call, a signed webhook and readiness during the attack, what the
# attackers were answered, and the OutOfMemoryErrors in the app's log (bench/results/slow-upload-app.log).
source "$(dirname "$0")/build.sh"
OUT="bench/results/slow-upload-$(date +%Y%m%d-%H%M%S).txt"
java -Xmx512m -cp "bench/classes:$CP" io.shopifysync.bench.SlowUploadBench "$@" 2>bench/results/stderr-slow-upload.log | tee "$OUT"
echo "# results in $OUT"
