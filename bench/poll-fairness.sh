#!/usr/bin/env bash
# Do all resources of a saturated shop keep polling? bench/status-page.sh without the screenshot: three
# emulated stores on plan plus imported by `shopify-sync run`, stores 1 and 2 changing (orders, products,
# customers); every 15 s the age of each resource's last success is read from the management port.
# Prints the largest age seen per store and resource (a stalled poll shows minutes).
# Usage: bench/poll-fairness.sh [minutes of changes, default 4]   (needs target/shopify-sync.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-4}
if ! [[ "$MINUTES" =~ ^[1-9][0-9]*$ ]]; then
  echo "minutes of changes must be a whole number from 1, got '$MINUTES'" >&2
  exit 2
fi
JAR=${JAR:-target/shopify-sync.jar}
source bench/three-stores.sh
END=$(( $(date +%s) + MINUTES * 60 ))
while [ "$(date +%s)" -lt "$END" ]; do
  curl -sf -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$MGMT_PORT/observe/metrics" \
    | grep '^shopify_sync_last_success_age_seconds' >>"$WORK/ages.txt" || true
  sleep 15
done
echo "churn ended: $(date -u +%T); load: $(uptime)"
echo "largest age of the last success (s) over $MINUTES minutes of changes:"
sed -E 's/.*resource="([a-z_]+)",shop="([^"]+)"} ([0-9.]+)/\2 \1 \3/' "$WORK/ages.txt" \
  | awk '{k=$1" "$2; if ($3 > m[k]) m[k] = $3} END {for (k in m) printf "%-45s %8.1f\n", k, m[k]}' | sort
echo "JSON log: $WORK/app.log"
