# Sourced by bench/status-page.sh and bench/poll-fairness.sh: three emulated stores on plan plus (2,000 orders,
# 300 products, 1,500 customers each), registered and imported by `shopify-sync run`, then stores 1 and 2 changing
# (orders, products, customers). Needs JAR set and the repository as the working directory; extra settings of the run come as exported variables.
# Leaves WORK, E, HTTP_PORT, MGMT_PORT and ADMIN_TOKEN for the caller; the sandbox and the app stop on exit.
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
  java -jar $JAR accounts add --shop "$S" --token "$TOKEN" --api-url "$URL" --allow-insecure-api-url >/dev/null 2>&1
done
java -jar $JAR run >"$WORK/app.out" 2>"$WORK/app.log" &
APP=$!
# status opens the embedded database through run's AUTO_SERVER: asked before run owns it, it can break run's migration
until curl -sf "http://127.0.0.1:$MGMT_PORT/observe/health/ready" >/dev/null; do sleep 1; done
until [ "$(java -jar $JAR status 2>/dev/null | grep -c INCREMENTAL)" = 12 ]; do sleep 5; done
echo "imported: $(date -u +%T); load: $(uptime)"
for i in 1 2; do
  for r in orders products customers; do
    curl -sf -X POST "$E/_emulator/shops/sandbox-$i.myshopify.com/$r/churn" \
      -d "{\"createPerSecond\":$i,\"updatePerSecond\":$((3 * i)),\"deletePerSecond\":0.2}" >/dev/null
  done
done
