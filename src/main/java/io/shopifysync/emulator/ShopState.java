package io.shopifysync.emulator;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Everything the emulator knows about one shop: data, token, bucket, events, faults. */
final class ShopState {

    final String domain;
    final int number;
    final DataGenerator gen;
    final Map<ResourceKind, ResourceStore> stores = new EnumMap<>(ResourceKind.class);
    final LeakyBucket bucket;
    final EventLog events;
    final Faults faults = new Faults();
    /** Protected customer data approval and bulk operations permission of the app on this shop. */
    final AppAccess access = new AppAccess();
    final AtomicInteger requestCount = new AtomicInteger();
    /** Arrival times and injected answers of the last Admin GraphQL requests (GET /_emulator/shops/{shop}/requests). */
    final RequestLog requestLog = new RequestLog();
    volatile String plan;
    volatile String accessToken;
    volatile boolean tokenRevoked;
    /** Expiring offline tokens: when the access token stops working (0 = never), the refresh token, their lifetime. */
    volatile long accessTokenExpiresAtMillis;
    volatile String refreshToken;
    volatile long tokenLifetimeMillis = 86_399_000L;
    final AtomicInteger tokenGrants = new AtomicInteger();
    /** The non-expiring token last exchanged for the current expiring pair, and when: a retry of that exchange gets the same pair. */
    volatile String exchangedFrom;
    volatile long exchangedAtMillis;
    volatile boolean installed = true;
    /** The access scopes the merchant granted the app (currentAppInstallation.accessScopes); replaced whole by the control API. */
    volatile java.util.Set<String> accessScopes = DEFAULT_SCOPES;
    final long createdAt;
    /** Live orders of each initial customer (orders only ever belong to those): Shopify refuses to delete a customer with orders. */
    private final int[] ordersOfCustomer;

    ShopState(String domain, int number, long seed, int orders, int products, int customers, String plan,
              java.util.function.LongSupplier nanoClock) {
        this.domain = domain;
        this.number = number;
        this.plan = plan;
        this.gen = new DataGenerator(seed, number, orders, products, customers);
        this.bucket = LeakyBucket.forPlan(plan, nanoClock);
        this.events = new EventLog(number);
        this.accessToken = tokenFor(seed, domain, 0);
        this.createdAt = DataGenerator.T0 - 86_400L * 30;
        this.ordersOfCustomer = new int[customers];
        for (int i = 0; i < orders; i++) {
            int ci = gen.orderCustomerIndex(i);
            if (ci >= 0) {
                ordersOfCustomer[ci]++;
            }
        }
        int[] counts = {orders, products, customers};
        for (ResourceKind k : ResourceKind.values()) {
            ResourceStore s = new ResourceStore(k);
            long[] c = gen.initialCreated(k, counts[k.ordinal()]);
            s.load(c, gen.initialUpdated(k, c));
            stores.put(k, s);
        }
    }

    /** What the synced app requests; read_all_orders lifts the 60-day limit on orders. */
    static final java.util.Set<String> DEFAULT_SCOPES = java.util.Set.of("read_orders", "read_all_orders", "read_products",
            "read_customers");
    /** Shopify's window for apps without read_all_orders: orders created in the last 60 days. */
    static final long ORDER_WINDOW_SECONDS = 60L * 86_400;

    /** Whether a scope is granted; a write scope includes its read scope, as on Shopify. */
    boolean hasScope(String scope) {
        java.util.Set<String> granted = accessScopes;
        return granted.contains(scope) || (scope.startsWith("read_") && granted.contains("write_" + scope.substring(5)));
    }

    /** The read scope a resource kind needs. */
    static String readScope(ResourceKind kind) {
        return "read_" + kind.plural;
    }

    /** The oldest order createdAt (epoch seconds) the app may see at {@code nowSeconds}; Long.MIN_VALUE with read_all_orders. */
    long orderWindowStart(long nowSeconds) {
        return hasScope("read_all_orders") ? Long.MIN_VALUE : nowSeconds - ORDER_WINDOW_SECONDS;
    }

    /** Whether an order (by index) was created before the app's window, so Shopify answers as if it did not exist. */
    boolean orderOutsideWindow(int idx, long nowSeconds) {
        long start = orderWindowStart(nowSeconds);
        long[] st = start == Long.MIN_VALUE ? null : store(ResourceKind.ORDER).get(idx);
        return st != null && st[0] < start;
    }

    /** Deterministic token: shpat_ + 32 hex chars from (seed, shop, generation). */
    static String tokenFor(long seed, String domain, int generation) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] d = md.digest((seed + "|" + domain + "|" + generation).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "shpat_" + HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates an order, counted for its customer (under the lock that a customer's deletion also takes). */
    synchronized int appendOrder(long created, long updated) {
        int idx = store(ResourceKind.ORDER).append(created, updated);
        int ci = gen.orderCustomerIndex(idx);
        if (ci >= 0 && ci < ordersOfCustomer.length) {
            ordersOfCustomer[ci]++;
        }
        return idx;
    }

    /** Deletes an order; false if it was not live. */
    synchronized boolean deleteOrder(int idx) {
        if (!store(ResourceKind.ORDER).delete(idx)) {
            return false;
        }
        int ci = gen.orderCustomerIndex(idx);
        if (ci >= 0 && ci < ordersOfCustomer.length) {
            ordersOfCustomer[ci]--;
        }
        return true;
    }

    /** Whether the customer has live orders, which makes Shopify refuse its deletion. */
    synchronized boolean customerHasOrders(int customerIdx) {
        return customerIdx >= 0 && customerIdx < ordersOfCustomer.length && ordersOfCustomer[customerIdx] > 0;
    }

    /** Deletes a customer unless it has orders; false if refused or not live. */
    synchronized boolean deleteCustomer(int idx) {
        return !customerHasOrders(idx) && store(ResourceKind.CUSTOMER).delete(idx);
    }

    ResourceStore store(ResourceKind k) {
        return stores.get(k);
    }

    String shopGid() {
        return "gid://shopify/Shop/" + (548_380_009L + number);
    }

    long shopId() {
        return 548_380_009L + number;
    }

    // ------------------------------------------------------------------ materialization

    /** The current object of a kind at an index, or null if absent/deleted. */
    Map<String, Object> load(ResourceKind kind, int idx) {
        long[] st = store(kind).get(idx);
        if (st == null) {
            return null;
        }
        return materialize(kind, idx, st[0], st[1], (int) st[2]);
    }

    Map<String, Object> materialize(ResourceKind kind, int idx, long created, long updated, int version) {
        return switch (kind) {
            case PRODUCT -> gen.product(idx, created, updated, version);
            case CUSTOMER -> gen.customer(idx, created, updated, version);
            case ORDER -> {
                int ci = gen.orderCustomerIndex(idx);
                long[] cst = ci < 0 ? null : store(ResourceKind.CUSTOMER).get(ci);
                // most readers of an order need only its customer's id: the rest is generated on first use
                Map<String, Object> customer = cst == null ? null : gen.customerRef(ci, cst[0], cst[1], (int) cst[2]);
                yield gen.order(idx, created, updated, version, customer);
            }
        };
    }

    Map<String, Object> loadById(ResourceKind kind, long id) {
        int idx = gen.ids(kind).indexOf(id);
        return idx < 0 ? null : load(kind, idx);
    }

    /** A variant of a live product, or null. */
    Map<String, Object> variant(int productIdx, int pos) {
        long[] st = store(ResourceKind.PRODUCT).get(productIdx);
        if (st == null || pos < 0 || pos >= gen.variantCount(productIdx, (int) st[2])) {
            return null;
        }
        return gen.variant(productIdx, pos, (int) st[2], gen.productTitle(productIdx), st[0], st[1]);
    }

    /** {@link #variant} for a line item, which is mostly read for the variant's id: the rest is generated on first use. */
    Map<String, Object> variantRef(int productIdx, int pos) {
        long[] st = store(ResourceKind.PRODUCT).get(productIdx);
        if (st == null || pos < 0 || pos >= gen.variantCount(productIdx, (int) st[2])) {
            return null;
        }
        return gen.variantRef(productIdx, pos, (int) st[2], st[0], st[1]);
    }

    /** A line item of a live order, or null. */
    Map<String, Object> lineItem(int orderIdx, int pos) {
        if (!store(ResourceKind.ORDER).exists(orderIdx) || pos < 0 || pos >= gen.lineItemCount(orderIdx)) {
            return null;
        }
        return gen.lineItem(orderIdx, pos);
    }

    /** Resolves any supported gid to its node map, or null. */
    @SuppressWarnings("unchecked")
    Map<String, Object> node(String gid) {
        if (gid == null || !gid.startsWith("gid://shopify/")) {
            return null;
        }
        String rest = gid.substring("gid://shopify/".length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String type = rest.substring(0, slash);
        String idPart = rest.substring(slash + 1);
        int q = idPart.indexOf('?');
        if (q >= 0) {
            idPart = idPart.substring(0, q);
        }
        long id;
        try {
            id = Long.parseLong(idPart);
        } catch (NumberFormatException e) {
            return null;
        }
        switch (type) {
            case "Order":
                return loadById(ResourceKind.ORDER, id);
            case "Product":
                return loadById(ResourceKind.PRODUCT, id);
            case "Customer":
                return loadById(ResourceKind.CUSTOMER, id);
            case "ProductVariant": {
                int[] ref = gen.variantOf(id);
                return ref == null ? null : variant(ref[0], ref[1]);
            }
            case "LineItem": {
                int[] ref = gen.lineItemOf(id);
                return ref == null ? null : lineItem(ref[0], ref[1]);
            }
            case "OrderTransaction": {
                int[] ref = gen.transactionOf(id);
                if (ref == null) {
                    return null;
                }
                Map<String, Object> order = load(ResourceKind.ORDER, ref[0]);
                if (order == null) {
                    return null;
                }
                for (Map<String, Object> t : (List<Map<String, Object>>) order.get("transactions")) {
                    if (((Long) t.get("_id")) == id) {
                        return t;
                    }
                }
                return null;
            }
            case "BasicEvent": {
                long i = events.indexOfId(id);
                List<EventLog.Event> all = events.snapshot();
                long off = i - events.droppedCount();
                if (off < 0 || off >= all.size()) {
                    return null;
                }
                return eventMap(all.get((int) off));
            }
            case "Shop":
                return id == shopId() ? shopMap() : null;
            default:
                return null;
        }
    }

    static Map<String, Object> eventMap(EventLog.Event e) {
        return Json.obj("_type", "BasicEvent", "id", "gid://shopify/BasicEvent/" + e.id(), "action", e.action(),
                "appTitle", null, "attributeToApp", false, "attributeToUser", false, "createdAt", Times.iso(e.createdAt()),
                "criticalAlert", false, "message", e.message(), "subjectId", e.subjectGid(), "subjectType", e.subjectType(),
                "_id", e.id());
    }

    Map<String, Object> shopMap() {
        String planName = switch (plan) {
            case "plus" -> "Shopify Plus";
            case "advanced" -> "Advanced";
            default -> "Basic";
        };
        return Json.obj("_type", "Shop", "id", shopGid(), "name", "Sandbox " + number, "email", "owner@sandbox-" + number + ".example.com",
                "myshopifyDomain", domain, "currencyCode", gen.currency, "ianaTimezone", gen.zone.getId(),
                "timezoneAbbreviation", gen.zone.getRules().isDaylightSavings(java.time.Instant.now()) ? "DST" : "STD",
                "plan", Json.obj("displayName", planName, "partnerDevelopment", false, "shopifyPlus", plan.equals("plus")),
                "createdAt", Times.iso(createdAt), "updatedAt", Times.iso(createdAt));
    }
}
