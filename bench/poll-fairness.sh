#!/usr/bin/env bash
# Do all resources of a saturated shop keep polling? bench/status-page.sh without the screenshot: three
# emulated stores on plan plus imported by `shopify-sync run`, stores 1 and 2 changing (orders, products,
# customers); every 15 s the age of each resource's last success is read from the management port.
# Prints the largest age seen per store and resource (a stalled poll shows minutes).
# Usage: bench/poll-fairness.sh [minutes of changes, default 4]   (needs target/shopify-sync.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-4}
JAR=${JAR:-target/shopify-sync.jar}
WORK=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
EMU_PORT=$(free_port); HTTP_PORT=$(free_port); MGMT_PORT=$(free_port)
ADMIN_TOKEN=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
E=http://127.0.0.1:$EMU_PORT

java -jar $JAR sandbox --port "$EMU_PORT" --shops 3 --plan plus --orders 2000 --products 300 --customers 1500 \
  >"$WORK/sandbox.out" 2>"$WORK/sandbox.err" &
SANDBOX=$!
trap 'kill $SANDBOX ${APP:-} 2>/dev/null || true' EXIT
until curl -sf "$E/_emulator/health" >/dev/null; do sleep 1; done

export SHOPIFY_SYNC_DATA_DIR=$WORK/data HTTP_PORT MANAGEMENT_PORT=$MGMT_PORT ADMIN_TOKEN
export POLL_INTERVAL_MS=10000 LOG_FORMAT=json
for i in 1 2 3; do
  S=sandbox-$i.myshopify.com
  read -r TOKEN URL < <(curl -sf "$E/_emulator/shops/$S" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["accessToken"], d["adminUrl"])')
  java -jar $JAR accounts add --shop "$S" --token "$TOKEN" --api-url "$URL" >/dev/null 2>&1
done
java -jar $JAR run >"$WORK/app.out" 2>"$WORK/app.log" &
APP=$!
until [ "$(java -jar $JAR status 2>/dev/null | grep -c INCREMENTAL)" = 12 ]; do sleep 5; done
echo "imported: $(date -u +%T); load: $(uptime)"
for i in 1 2; do
  for r in orders products customers; do
    curl -sf -X POST "$E/_emulator/shops/sandbox-$i.myshopify.com/$r/churn" \
      -d "{\"createPerSecond\":$i,\"updatePerSecond\":$((3 * i)),\"deletePerSecond\":0.2}" >/dev/null
  done
done
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
