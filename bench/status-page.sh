#!/usr/bin/env bash
# A demo-like run for the status page's screenshot (docs/status.png): three emulated stores imported by
# `shopify-sync run`, two of them changing for a few minutes, the third's token revoked (it shows AUTH_FAILED
# and its last error); samples every 30 s; then headless Chromium takes the screenshot.
# Usage: bench/status-page.sh [minutes of changes, default 6]   (needs target/shopify-sync.jar and chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-6}
JAR=target/shopify-sync.jar
export STATUS_SAMPLE_INTERVAL_MS=30000
source bench/three-stores.sh
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
