#!/usr/bin/env bash
# A demo-like run for the status page's screenshot (docs/status.png): three emulated stores imported by
# `shopify-sync run`, two of them changing for a few minutes, the third's token revoked (it shows AUTH_FAILED
# and its last error); samples every 30 s; then headless Chromium takes the screenshot.
# Usage: bench/status-page.sh [minutes of changes, default 6]   (needs target/shopify-sync.jar and chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-6}
JAR=target/shopify-sync.jar
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
export POLL_INTERVAL_MS=10000 STATUS_SAMPLE_INTERVAL_MS=30000 LOG_FORMAT=json
for i in 1 2 3; do
  S=sandbox-$i.myshopify.com
  read -r TOKEN URL < <(curl -sf "$E/_emulator/shops/$S" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["accessToken"], d["adminUrl"])')
  java -jar $JAR accounts add --shop "$S" --token "$TOKEN" --api-url "$URL" >/dev/null 2>&1
done
java -jar $JAR run >"$WORK/app.out" 2>"$WORK/app.log" &
APP=$!
until [ "$(java -jar $JAR status 2>/dev/null | grep -c INCREMENTAL)" = 12 ]; do sleep 5; done
echo "imported: $(date -u +%T)"
for i in 1 2; do
  for r in orders products customers; do
    curl -sf -X POST "$E/_emulator/shops/sandbox-$i.myshopify.com/$r/churn" \
      -d "{\"createPerSecond\":$i,\"updatePerSecond\":$((3 * i)),\"deletePerSecond\":0.2}" >/dev/null
  done
done
curl -sf -X POST "$E/_emulator/shops/sandbox-3.myshopify.com/token/revoke" >/dev/null
sleep $((MINUTES * 60))
java -jar $JAR status 2>/dev/null
shot() {
  rm -f "$WORK/status.png"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$WORK/chromium-$1" --hide-scrollbars \
    --virtual-time-budget=5000 --window-size=1400,820 --screenshot="$WORK/status.png" \
    "http://127.0.0.1:$HTTP_PORT/status#token=$ADMIN_TOKEN" >>"$WORK/chromium.log" 2>&1
  [ -s "$WORK/status.png" ]
}
shot 1 || shot 2 || { echo "Chromium wrote no screenshot; see $WORK/chromium.log" >&2; exit 1; }
cp "$WORK/status.png" docs/status.png
echo "screenshot: docs/status.png; JSON log: $WORK/app.log"
