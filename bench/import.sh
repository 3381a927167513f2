#!/usr/bin/env bash
# Import benchmarks into PostgreSQL (127.0.0.1:5432, a fresh database per run; BENCH_PG_URL to change it):
#   bench/import.sh e2e [orders products customers]   `shopify-sync run` in its own JVM (-Xmx256m, BENCH_APP_HEAP),
#                                                     BENCH_STORES stores (default 2: cold, then warm), each register ->
#                                                     every resource INCREMENTAL, digest checked, time and CPU per
#                                                     resource and per JVM (JIT, GC, rest), the app's heap peak (GC log)
#   bench/import.sh ingest [orders]                   ~1M-object bulk result through BulkIngest at -Xmx256m, then the
#                                                     same rows by plain JDBC INSERT batches (into the app's tables, and
#                                                     into 4-column tables) and by a bare COPY (the ratios)
# BENCH_JAVA_OPTS adds options to the benchmark's JVM (the emulator's in e2e), BENCH_APP_JAVA_OPTS to the app's.
# Numbers go to stdout and bench/results/import-<mode>-<timestamp>.txt.
source "$(dirname "$0")/build.sh"
MODE=${1:-e2e}
shift || true

OUT="bench/results/import-$MODE-$(date +%Y%m%d-%H%M%S).txt"

case "$MODE" in
  e2e)
    java -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "bench/classes:$CP" io.shopifysync.bench.ImportBench e2e "$@" 2>bench/results/stderr.log | tee "$OUT" ;;
  ingest)
    FILE=bench/results/orders-bulk.jsonl
    if [[ ! -f "$FILE" ]]; then
      java -Xmx1g -cp "bench/classes:$CP" io.shopifysync.bench.ImportBench generate "$FILE" "${1:-360000}" 2>bench/results/stderr.log | tee "$OUT"
    fi
    java -Xmx256m ${BENCH_JAVA_OPTS:-} -cp "bench/classes:$CP" io.shopifysync.bench.ImportBench ingest "$FILE" 2>>bench/results/stderr.log | tee -a "$OUT" ;;
  *) echo "usage: bench/import.sh e2e|ingest" >&2; exit 2 ;;
esac
echo "# results in $OUT"
