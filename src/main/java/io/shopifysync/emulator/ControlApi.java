package io.shopifysync.emulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The control API under {@code /_emulator/} (JSON in and out); documented in docs/emulator.md. */
final class ControlApi {

    /** A client error with its HTTP status. */
    static final class Bad extends RuntimeException {
        final int status;

        Bad(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private interface Handler {
        Object handle(RoutingContext ctx, Map<String, Object> body);
    }

    private final ShopifyEmulator emu;

    ControlApi(ShopifyEmulator emu) {
        this.emu = emu;
    }

    void mount(Router r) {
        on(r, HttpMethod.GET, "/_emulator/health", (c, b) -> Json.obj("status", "UP"));
        on(r, HttpMethod.GET, "/_emulator/settings", (c, b) -> settings());
        on(r, HttpMethod.PUT, "/_emulator/settings", (c, b) -> {
            // every value is read and checked before any is applied: one bad value changes nothing
            List<Runnable> changes = new ArrayList<>();
            if (b.containsKey("apiVersions")) {
                if (!(b.get("apiVersions") instanceof List<?> versions)) {
                    throw new Bad(400, "'apiVersions' must be a non-empty list of versions such as [\"2026-07\", \"2026-10\"]");
                }
                try {
                    new SupportedVersions().set(versions);
                } catch (IllegalArgumentException e) {
                    throw new Bad(400, e.getMessage());
                }
                changes.add(() -> emu.apiVersions.set(versions));
            }
            if (b.containsKey("timeScale")) {
                double v = number(b, "timeScale", 0, 1e6);
                changes.add(() -> emu.timeScale(v));
            }
            if (b.containsKey("bulkObjectsPerSecond")) {
                double v = number(b, "bulkObjectsPerSecond", 0, 1e9);
                changes.add(() -> emu.bulk().objectsPerSecond = v);
            }
            if (b.containsKey("bulkHeld")) {
                boolean v = bool(b, "bulkHeld");
                changes.add(() -> emu.bulk().held = v);
            }
            if (b.containsKey("shopRedactDelayMs")) {
                long v = (long) number(b, "shopRedactDelayMs", 0, 1e12);
                changes.add(() -> emu.shopRedactDelayMs = v);
            }
            if (b.containsKey("rejectNonExpiringTokens")) {
                boolean v = bool(b, "rejectNonExpiringTokens");
                changes.add(() -> emu.rejectNonExpiringTokens = v);
            }
            if (b.containsKey("countLimit")) {
                int v = (int) number(b, "countLimit", 1, Integer.MAX_VALUE);
                changes.add(() -> emu.countLimit = v);
            }
            changes.forEach(Runnable::run);
            return settings();
        });
        on(r, HttpMethod.GET, "/_emulator/shops", (c, b) -> {
            List<Object> out = new ArrayList<>();
            for (ShopState s : emu.states()) {
                out.add(shopSummary(s));
            }
            return Json.obj("shops", out);
        });
        on(r, HttpMethod.GET, "/_emulator/webhooks/settings", (c, b) -> emu.webhooks().settings.toMap());
        on(r, HttpMethod.PUT, "/_emulator/webhooks/settings", (c, b) -> webhookSettings(b));
        on(r, HttpMethod.GET, "/_emulator/webhooks/deliveries", (c, b) -> Json.obj("deliveries",
                emu.webhooks().deliveries(null, c.queryParams().get("topic"), c.queryParams().get("status"),
                        "true".equals(c.queryParams().get("includeBody")))));
        on(r, HttpMethod.DELETE, "/_emulator/webhooks/deliveries", (c, b) -> {
            emu.webhooks().clearLog();
            return Json.obj("cleared", true);
        });
        on(r, HttpMethod.GET, "/_emulator/shops/:shop", (c, b) -> shopDetail(shop(c)));
        on(r, HttpMethod.GET, "/_emulator/shops/:shop/digest", (c, b) -> emu.digestMap(shop(c)));
        on(r, HttpMethod.GET, "/_emulator/shops/:shop/faults", (c, b) -> shop(c).faults.toMap());
        on(r, HttpMethod.PUT, "/_emulator/shops/:shop/faults", (c, b) -> faults(shop(c), b));
        on(r, HttpMethod.DELETE, "/_emulator/shops/:shop/faults", (c, b) -> {
            Faults f = shop(c).faults;
            f.clear();
            return f.toMap();
        });
        on(r, HttpMethod.GET, "/_emulator/shops/:shop/requests", (c, b) -> Json.obj("requests", shop(c).requestLog.toList()));
        on(r, HttpMethod.DELETE, "/_emulator/shops/:shop/requests", (c, b) -> {
            shop(c).requestLog.clear();
            return Json.obj("cleared", true);
        });
        on(r, HttpMethod.GET, "/_emulator/shops/:shop/protected-customer-data", (c, b) -> shop(c).access.protectedCustomerDataMap());
        on(r, HttpMethod.PUT, "/_emulator/shops/:shop/protected-customer-data", (c, b) -> protectedCustomerData(shop(c), b));
        on(r, HttpMethod.GET, "/_emulator/shops/:shop/bulk-operations", (c, b) -> shop(c).access.bulkMap());
        on(r, HttpMethod.PUT, "/_emulator/shops/:shop/bulk-operations", (c, b) -> {
            ShopState s = shop(c);
            for (String key : b.keySet()) {
                if (!key.equals("bulkOperationsAllowed")) {
                    throw new Bad(400, "unknown setting '" + key + "' (bulkOperationsAllowed)");
                }
            }
            if (!(b.get("bulkOperationsAllowed") instanceof Boolean allowed)) {
                throw new Bad(400, "'bulkOperationsAllowed' is required and must be true or false");
            }
            s.access.bulkOperationsAllowed = allowed;
            return s.access.bulkMap();
        });
        on(r, HttpMethod.GET, "/_emulator/shops/:shop/throttle", (c, b) -> throttle(shop(c)));
        on(r, HttpMethod.POST, "/_emulator/shops/:shop/throttle/drain", (c, b) -> {
            ShopState s = shop(c);
            s.bucket.drainTo(b.containsKey("available") ? number(b, "available", 0, 1e9) : 0);
            return throttle(s);
        });
        on(r, HttpMethod.PUT, "/_emulator/shops/:shop/throttle", (c, b) -> {
            ShopState s = shop(c);
            LeakyBucket.Status st = s.bucket.status();
            double max = b.containsKey("maximumAvailable") ? number(b, "maximumAvailable", 1, 1e12) : st.maximumAvailable();
            double rate = b.containsKey("restoreRate") ? number(b, "restoreRate", 0, 1e12) : st.restoreRate();
            s.bucket.configure(max, rate);
            if (b.containsKey("currentlyAvailable")) {
                s.bucket.drainTo(number(b, "currentlyAvailable", 0, 1e12));
            }
            return throttle(s);
        });
        on(r, HttpMethod.PUT, "/_emulator/shops/:shop/plan", (c, b) -> {
            ShopState s = shop(c);
            String plan = string(b, "plan");
            double[] limits;
            try {
                limits = LeakyBucket.planLimits(plan);
            } catch (IllegalArgumentException e) {
                throw new Bad(400, e.getMessage());
            }
            s.plan = plan.toLowerCase(Locale.ROOT);
            s.bucket.configure(limits[0], limits[1]);
            return throttle(s);
        });
        on(r, HttpMethod.GET, "/_emulator/shops/:shop/scopes", (c, b) -> scopes(shop(c)));
        on(r, HttpMethod.PUT, "/_emulator/shops/:shop/scopes", (c, b) -> {
            ShopState s = shop(c);
            s.accessScopes = scopeList(b);
            return scopes(s);
        });
        on(r, HttpMethod.DELETE, "/_emulator/shops/:shop/scopes", (c, b) -> {
            ShopState s = shop(c);
            s.accessScopes = ShopState.DEFAULT_SCOPES;
            return scopes(s);
        });
        on(r, HttpMethod.POST, "/_emulator/shops/:shop/token/revoke", (c, b) -> {
            ShopState s = shop(c);
            s.tokenRevoked = true;
            return Json.obj("domain", s.domain, "tokenRevoked", true);
        });
        on(r, HttpMethod.POST, "/_emulator/shops/:shop/token/expiring", (c, b) -> {
            ShopState s = shop(c);
            if (b != null && b.containsKey("expiresInSeconds")) {
                s.tokenLifetimeMillis = (long) (number(b, "expiresInSeconds", 1, 1e9) * 1000);
            }
            return emu.issueExpiring(s);
        });
        on(r, HttpMethod.POST, "/_emulator/shops/:shop/token/rotate", (c, b) -> {
            ShopState s = shop(c);
            return Json.obj("domain", s.domain, "accessToken", emu.reinstall(s));
        });
        on(r, HttpMethod.POST, "/_emulator/shops/:shop/uninstall", (c, b) -> {
            ShopState s = shop(c);
            if (!s.installed) {
                throw new Bad(409, "the app is not installed on " + s.domain);
            }
            Long delay = b.containsKey("redactDelayMs") ? (long) number(b, "redactDelayMs", 0, 1e12) : null;
            emu.uninstall(s, delay);
            return Json.obj("domain", s.domain, "installed", false, "tokenRevoked", true,
                    "shopRedactInMs", (long) ((delay != null ? delay : emu.shopRedactDelayMs) * emu.timeScale()));
        });
        on(r, HttpMethod.POST, "/_emulator/shops/:shop/reinstall", (c, b) -> {
            ShopState s = shop(c);
            return Json.obj("domain", s.domain, "installed", true, "accessToken", emu.reinstall(s));
        });
        on(r, HttpMethod.POST, "/_emulator/shops/:shop/compliance/:topic", (c, b) -> compliance(shop(c), c.pathParam("topic"), b));
        on(r, HttpMethod.GET, "/_emulator/shops/:shop/webhooks/subscriptions", (c, b) -> Json.obj("subscriptions", strip(emu.webhooks().list(shop(c)))));
        on(r, HttpMethod.POST, "/_emulator/shops/:shop/webhooks/subscriptions", (c, b) -> {
            ShopState s = shop(c);
            String topic = string(b, "topic");
            String t = Webhooks.TOPICS.containsKey(topic.toUpperCase(Locale.ROOT)) ? topic.toUpperCase(Locale.ROOT) : Webhooks.topicEnum(topic);
            if (!Webhooks.TOPICS.containsKey(t)) {
                throw new Bad(400, "unknown topic " + topic + " (one of " + Webhooks.TOPICS.values() + ")");
            }
            Map<String, Object> input = Json.obj("uri", b.get("uri") != null ? b.get("uri") : b.get("callbackUrl"), "format", "JSON");
            @SuppressWarnings("unchecked")
            Map<String, Object> res = emu.webhooks().create(s, t, input);
            if (!((List<?>) res.get("userErrors")).isEmpty()) {
                throw new Bad(400, String.valueOf(((Map<?, ?>) ((List<?>) res.get("userErrors")).get(0)).get("message")));
            }
            return strip(List.of((Map<String, Object>) res.get("webhookSubscription"))).get(0);
        });
        on(r, HttpMethod.DELETE, "/_emulator/shops/:shop/webhooks/subscriptions", (c, b) -> {
            emu.webhooks().deleteAll(shop(c));
            return Json.obj("deleted", true);
        });
        on(r, HttpMethod.GET, "/_emulator/shops/:shop/webhooks/deliveries", (c, b) -> Json.obj("deliveries",
                emu.webhooks().deliveries(shop(c).domain, c.queryParams().get("topic"), c.queryParams().get("status"),
                        "true".equals(c.queryParams().get("includeBody")))));
        on(r, HttpMethod.GET, "/_emulator/shops/:shop/bulk", (c, b) -> Json.obj("bulkOperations", strip(emu.bulk().list(shop(c)))));
        on(r, HttpMethod.POST, "/_emulator/shops/:shop/bulk/expire", (c, b) -> bulkExpire(shop(c), b));
        on(r, HttpMethod.GET, "/_emulator/shops/:shop/bulk/downloads", (c, b) -> bulkDownloads(shop(c)));
        on(r, HttpMethod.PUT, "/_emulator/shops/:shop/bulk/downloads", (c, b) -> bulkDownloadSettings(shop(c), b));
        on(r, HttpMethod.DELETE, "/_emulator/shops/:shop/bulk/downloads", (c, b) -> {
            ShopState s = shop(c);
            emu.bulk().clearDownloads(s);
            return bulkDownloads(s);
        });
        on(r, HttpMethod.GET, "/_emulator/shops/:shop/churn", (c, b) -> emu.churns(shop(c)));
        on(r, HttpMethod.POST, "/_emulator/shops/:shop/:resource/churn", (c, b) -> {
            ShopState s = shop(c);
            ResourceKind k = resource(c);
            ShopifyEmulator.Churn churn = new ShopifyEmulator.Churn(optNumber(b, "createPerSecond", 0, 10_000),
                    optNumber(b, "updatePerSecond", 0, 10_000), optNumber(b, "deletePerSecond", 0, 10_000));
            emu.startChurn(s, k, churn);
            return Json.obj("resource", k.plural, "churn", churn.toMap());
        });
        on(r, HttpMethod.DELETE, "/_emulator/shops/:shop/:resource/churn", (c, b) -> {
            ShopState s = shop(c);
            ResourceKind k = resource(c);
            return Json.obj("resource", k.plural, "stopped", emu.stopChurn(s, k));
        });
        on(r, HttpMethod.POST, "/_emulator/shops/:shop/:resource/:action", (c, b) -> mutate(c, b));
        r.route("/_emulator/*").last().handler(c -> error(c, 404, "no such control endpoint: " + c.request().method() + " " + c.request().path()));
    }

    private void on(Router r, HttpMethod method, String path, Handler h) {
        r.route(method, path).blockingHandler(ctx -> {
            Map<String, Object> body;
            try {
                Buffer raw = ctx.body().buffer();
                body = raw == null || raw.length() == 0 ? new java.util.LinkedHashMap<>() : Json.parseObject(raw.getBytes());
            } catch (Exception e) {
                error(ctx, 400, "the body must be a JSON object");
                return;
            }
            try {
                Object out = h.handle(ctx, body);
                ShopifyEmulator.json(ctx.response(), 200, Buffer.buffer(Json.bytes(out)));
            } catch (Bad e) {
                error(ctx, e.status, e.getMessage());
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ControlApi.class).warn("control API {} failed", ctx.request().path(), e);
                error(ctx, 500, String.valueOf(e.getMessage()));
            }
        }, false);
    }

    private static void error(RoutingContext ctx, int status, String message) {
        ShopifyEmulator.json(ctx.response(), status, Buffer.buffer(Json.bytes(Json.obj("error", message))));
    }

    private ShopState shop(RoutingContext c) {
        ShopState s = emu.state(c.pathParam("shop"));
        if (s == null) {
            throw new Bad(404, "unknown shop " + c.pathParam("shop"));
        }
        return s;
    }

    private static ResourceKind resource(RoutingContext c) {
        ResourceKind k = ResourceKind.fromPlural(c.pathParam("resource"));
        if (k == null) {
            throw new Bad(404, "unknown resource " + c.pathParam("resource") + " (orders, products or customers)");
        }
        return k;
    }

    private static String string(Map<String, Object> b, String key) {
        Object v = b.get(key);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new Bad(400, "'" + key + "' is required and must be a string");
        }
        return s;
    }

    private static double number(Map<String, Object> b, String key, double min, double max) {
        Object v = b.get(key);
        if (!(v instanceof Number n)) {
            throw new Bad(400, "'" + key + "' must be a number");
        }
        double d = n.doubleValue();
        if (!(d >= min && d <= max)) {
            throw new Bad(400, "'" + key + "' must be between " + fmt(min) + " and " + fmt(max) + ", got " + fmt(d));
        }
        return d;
    }

    private static boolean bool(Map<String, Object> b, String key) {
        if (!(b.get(key) instanceof Boolean v)) {
            throw new Bad(400, "'" + key + "' must be true or false");
        }
        return v;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static double optNumber(Map<String, Object> b, String key, double min, double max) {
        return b.containsKey(key) && b.get(key) != null ? number(b, key, min, max) : 0;
    }

    private static List<Map<String, Object>> strip(List<Map<String, Object>> maps) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> m : maps) {
            Map<String, Object> c = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (!k.startsWith("_")) {
                    c.put(k, v instanceof Map<?, ?> mm ? stripOne(mm) : v);
                }
            });
            out.add(c);
        }
        return out;
    }

    private static Map<String, Object> stripOne(Map<?, ?> m) {
        Map<String, Object> c = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (!String.valueOf(k).startsWith("_")) {
                c.put(String.valueOf(k), v);
            }
        });
        return c;
    }

    // ------------------------------------------------------------------ handlers

    private Map<String, Object> settings() {
        return Json.obj("timeScale", emu.timeScale(), "bulkObjectsPerSecond", emu.bulk().objectsPerSecond,
                "bulkHeld", emu.bulk().held, "shopRedactDelayMs", emu.shopRedactDelayMs, "rejectNonExpiringTokens", emu.rejectNonExpiringTokens,
                "countLimit", emu.countLimit, "apiVersion", GraphQlEngine.API_VERSION, "apiVersions", emu.apiVersions.list(),
                "baseUrl", emu.baseUrl());
    }

    private Map<String, Object> shopSummary(ShopState s) {
        return Json.obj("domain", s.domain, "accessToken", s.accessToken, "adminUrl", emu.baseUrl() + "/shops/" + s.domain,
                "graphqlUrl", emu.baseUrl() + "/shops/" + s.domain + "/admin/api/" + GraphQlEngine.API_VERSION + "/graphql.json",
                "plan", s.plan, "installed", s.installed, "tokenRevoked", s.tokenRevoked, "tokenGrants", s.tokenGrants.get(), "currency", s.gen.currency,
                "ianaTimezone", s.gen.zone.getId(),
                "counts", Json.obj("orders", s.store(ResourceKind.ORDER).liveCount(), "products", s.store(ResourceKind.PRODUCT).liveCount(),
                        "customers", s.store(ResourceKind.CUSTOMER).liveCount()));
    }

    private Map<String, Object> shopDetail(ShopState s) {
        Map<String, Object> m = shopSummary(s);
        m.put("throttleStatus", throttle(s));
        m.put("faults", s.faults.toMap());
        m.put("churn", emu.churns(s));
        m.put("requests", s.requestCount.get());
        m.put("accessScopes", new java.util.ArrayList<>(new java.util.TreeSet<>(s.accessScopes)));
        return m;
    }

    private Map<String, Object> scopes(ShopState s) {
        long start = s.orderWindowStart(emu.nowSeconds());
        return Json.obj("domain", s.domain, "scopes", new java.util.ArrayList<>(new java.util.TreeSet<>(s.accessScopes)),
                "ordersVisibleFrom", start == Long.MIN_VALUE ? null : Times.iso(start));
    }

    /** {"scopes": ["read_orders", ...]}: each a lower-case {action}_{resource} handle; an empty list is allowed. */
    private static java.util.Set<String> scopeList(Map<String, Object> b) {
        for (String key : b.keySet()) {
            if (!key.equals("scopes")) {
                throw new Bad(400, "unknown field '" + key + "': expected {\"scopes\": [\"read_orders\", ...]}");
            }
        }
        if (!(b.get("scopes") instanceof List<?> list)) {
            throw new Bad(400, "'scopes' is required and must be a list of scope handles, e.g. [\"read_orders\"]");
        }
        if (list.size() > 200) {
            throw new Bad(400, "'scopes' holds " + list.size() + " handles, at most 200");
        }
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (Object o : list) {
            if (!(o instanceof String h) || !h.matches("(read|write|unauthenticated_read|unauthenticated_write)_[a-z0-9_]{1,60}")) {
                throw new Bad(400, "invalid scope handle " + (o instanceof String str ? "'" + (str.length() > 80 ? str.substring(0, 80) + "…" : str) + "'"
                        : String.valueOf(o)) + ": expected {action}_{resource}, e.g. read_orders");
            }
            out.add(h);
        }
        return java.util.Set.copyOf(out);
    }

    private static Map<String, Object> throttle(ShopState s) {
        LeakyBucket.Status st = s.bucket.status();
        return Json.obj("plan", s.plan, "maximumAvailable", st.maximumAvailable(), "currentlyAvailable", st.currentlyAvailable(),
                "restoreRate", st.restoreRate());
    }

    private static Map<String, Object> faults(ShopState s, Map<String, Object> b) {
        setFaults(new Faults(), b); // validates the whole body first: a bad value changes nothing
        setFaults(s.faults, b);
        return s.faults.toMap();
    }

    private static void setFaults(Faults f, Map<String, Object> b) {
        for (String key : b.keySet()) {
            switch (key) {
                case "errorRate" -> f.errorRate = number(b, key, 0, 1);
                case "errorStatus" -> {
                    double st = number(b, key, 402, 599);
                    if (st != Math.rint(st) || st < 500 && !Faults.SHOP_STATUSES.contains((int) st)) {
                        throw new Bad(400, "'errorStatus' must be 402, 404, 423, 429 or 500…599, got " + fmt(st));
                    }
                    f.errorStatus = (int) st;
                }
                case "retryAfterSeconds" -> f.retryAfterSeconds = b.get(key) == null ? null : number(b, key, 0, 3600);
                case "errorCode" -> {
                    Object code = b.get(key);
                    if (code != null && !(code instanceof String c && Faults.GRAPHQL_ERROR_CODES.contains(c))) {
                        throw new Bad(400, "errorCode must be null or one of " + Faults.GRAPHQL_ERROR_CODES + ", not " + code);
                    }
                    f.errorCode = (String) code;
                }
                case "failUntilCleared" -> {
                    if (!(b.get(key) instanceof Boolean on)) {
                        throw new Bad(400, "'failUntilCleared' must be true or false");
                    }
                    f.failUntilCleared = on;
                }
                case "latencyMs" -> f.latencyMs = (long) number(b, key, 0, 600_000);
                case "dropRate" -> f.dropRate = number(b, key, 0, 1);
                case "bulkFailAfterObjects" -> f.bulkFailAfterObjects = b.get(key) == null ? -1 : (long) number(b, key, -1, 1e12);
                case "failNextRequests" -> f.failNextRequests = (int) number(b, key, 0, 1e9);
                case "bulkErrorCode" -> {
                    Object code = b.get(key);
                    if (!(code instanceof String c) || !Faults.BULK_ERROR_CODES.contains(c)) {
                        throw new Bad(400, "bulkErrorCode must be one of " + Faults.BULK_ERROR_CODES + ", not " + code);
                    }
                    f.bulkErrorCode = c;
                }
                default -> throw new Bad(400, "unknown fault '" + key + "' (errorRate, errorStatus, retryAfterSeconds, errorCode, "
                        + "failUntilCleared, latencyMs, dropRate, bulkFailAfterObjects, bulkErrorCode, failNextRequests)");
            }
        }
    }

    private Map<String, Object> bulkExpire(ShopState s, Map<String, Object> b) {
        Object id = b.get("id");
        if (id != null && !(id instanceof String) && !(id instanceof Number)) {
            throw new Bad(400, "'id' must be a bulk operation gid or numeric id");
        }
        int status = b.get("httpStatus") == null ? 400 : (int) number(b, "httpStatus", 100, 599);
        if (!BulkOperations.EXPIRED_STATUSES.contains(status)) {
            throw new Bad(400, "'httpStatus' must be one of " + BulkOperations.EXPIRED_STATUSES + ", got " + status);
        }
        String key = id == null ? null : id instanceof Number n ? Long.toString(n.longValue()) : (String) id;
        List<String> expired = emu.bulk().expire(s, key, status);
        if (key != null && expired.isEmpty()) {
            throw new Bad(404, "no completed or failed bulk operation " + key + " with a live link on " + s.domain);
        }
        return Json.obj("expired", expired, "httpStatus", status);
    }

    private Map<String, Object> bulkDownloads(ShopState s) {
        return Json.obj("settings", emu.bulk().downloadSettings(s).toMap(), "downloads", emu.bulk().downloads(s));
    }

    private Map<String, Object> bulkDownloadSettings(ShopState s, Map<String, Object> b) {
        BulkOperations.DownloadSettings d = emu.bulk().downloadSettings(s);
        for (String key : b.keySet()) {
            switch (key) {
                case "ignoreRange", "expireOnCut" -> {
                    if (!(b.get(key) instanceof Boolean v)) {
                        throw new Bad(400, "'" + key + "' must be true or false");
                    }
                    if (key.equals("ignoreRange")) {
                        d.ignoreRange = v;
                    } else {
                        d.expireOnCut = v;
                    }
                }
                case "cutAfterBytes" -> {
                    d.cutAfterBytes = b.get(key) == null ? -1 : (long) number(b, key, 0, Integer.MAX_VALUE);
                    if (!b.containsKey("cuts")) {
                        d.cuts = d.cutAfterBytes < 0 ? 0 : 1;
                    }
                }
                case "cuts" -> d.cuts = (int) number(b, key, 0, 1e6);
                case "expiredStatus" -> {
                    int st = (int) number(b, key, 100, 599);
                    if (!BulkOperations.EXPIRED_STATUSES.contains(st)) {
                        throw new Bad(400, "'expiredStatus' must be one of " + BulkOperations.EXPIRED_STATUSES + ", got " + st);
                    }
                    d.expiredStatus = st;
                }
                default -> throw new Bad(400, "unknown bulk download setting '" + key
                        + "' (ignoreRange, cutAfterBytes, cuts, expireOnCut, expiredStatus)");
            }
        }
        return bulkDownloads(s);
    }

    /** {"level": 0|1|2, "fields": ["name","email","phone","address"]}: fields only at level 2, all four when absent there. */
    private static Map<String, Object> protectedCustomerData(ShopState s, Map<String, Object> b) {
        for (String key : b.keySet()) {
            if (!key.equals("level") && !key.equals("fields")) {
                throw new Bad(400, "unknown setting '" + key + "' (level, fields)");
            }
        }
        double l = number(b, "level", 0, 2);
        if (l != Math.rint(l)) {
            throw new Bad(400, "'level' must be 0, 1 or 2");
        }
        int level = (int) l;
        java.util.Set<AppAccess.Field> fields = java.util.EnumSet.noneOf(AppAccess.Field.class);
        if (b.get("fields") == null) {
            if (level == 2) {
                fields = java.util.EnumSet.allOf(AppAccess.Field.class);
            }
        } else if (b.get("fields") instanceof List<?> list) {
            for (Object o : list) {
                AppAccess.Field f = null;
                for (AppAccess.Field each : AppAccess.Field.values()) {
                    if (each.handle().equals(o)) {
                        f = each;
                    }
                }
                if (f == null) {
                    throw new Bad(400, "unknown protected customer field " + o + " (name, email, phone, address)");
                }
                fields.add(f);
            }
            if (level < 2 && !fields.isEmpty()) {
                throw new Bad(400, "protected customer fields are approved at level 2 only");
            }
        } else {
            throw new Bad(400, "'fields' must be a list of name, email, phone, address");
        }
        s.access.protectedCustomerData(level, fields);
        return s.access.protectedCustomerDataMap();
    }

    private Map<String, Object> webhookSettings(Map<String, Object> b) {
        Webhooks.Settings s = emu.webhooks().settings;
        for (String key : b.keySet()) {
            switch (key) {
                case "duplicateRate" -> s.duplicateRate = number(b, key, 0, 1);
                case "reorderRate" -> s.reorderRate = number(b, key, 0, 1);
                case "reorderDelayMs" -> s.reorderDelayMs = (long) number(b, key, 0, 600_000);
                case "timeoutMs" -> s.timeoutMs = (long) number(b, key, 1, 600_000);
                case "maxRetries" -> s.maxRetries = (int) number(b, key, 0, 100);
                case "retryBaseDelayMs" -> s.retryBaseDelayMs = (long) number(b, key, 0, 86_400_000);
                case "complianceUrl" -> s.complianceUrl = b.get(key) == null ? null : string(b, key);
                case "httpsOnly" -> s.httpsOnly = bool(b, key);
                default -> throw new Bad(400, "unknown webhook setting '" + key
                        + "' (duplicateRate, reorderRate, reorderDelayMs, timeoutMs, maxRetries, retryBaseDelayMs, complianceUrl, httpsOnly)");
            }
        }
        return s.toMap();
    }

    private Object mutate(RoutingContext c, Map<String, Object> b) {
        ShopState s = shop(c);
        ResourceKind k = resource(c);
        String action = c.pathParam("action");
        if (!List.of("create", "update", "delete").contains(action)) {
            throw new Bad(404, "unknown action " + action + " (create, update, delete, churn)");
        }
        List<Long> ids = null;
        int count = 0;
        if (b.get("ids") != null) {
            if (action.equals("create")) {
                throw new Bad(400, "'ids' is only for update and delete");
            }
            if (!(b.get("ids") instanceof List<?> l)) {
                throw new Bad(400, "'ids' must be a list of numeric ids");
            }
            ids = new ArrayList<>();
            for (Object o : l) {
                if (o instanceof Number n) {
                    ids.add(n.longValue());
                } else if (o instanceof String str) {
                    try {
                        ids.add(Long.parseLong(str.substring(str.lastIndexOf('/') + 1)));
                    } catch (NumberFormatException e) {
                        throw new Bad(400, "bad id " + str);
                    }
                } else {
                    throw new Bad(400, "'ids' must be a list of numeric ids");
                }
            }
        } else {
            count = (int) number(b, "count", 0, 100_000);
            if (count != number(b, "count", 0, 100_000)) {
                throw new Bad(400, "'count' must be an integer");
            }
        }
        List<ShopifyEmulator.Change> changes = emu.mutate(s, k, action, count, ids);
        List<Object> out = new ArrayList<>();
        for (ShopifyEmulator.Change ch : changes) {
            out.add(Json.obj("id", ch.id(), "legacyResourceId", Long.toString(ch.legacyId()), "updatedAt", ch.updatedAt()));
        }
        return Json.obj("resource", k.plural, "action", action, "count", out.size(), "objects", out);
    }

    private Object compliance(ShopState s, String topic, Map<String, Object> b) {
        List<String> urls = b.get("url") instanceof String u ? List.of(u) : emu.webhooks().complianceUrls(s);
        if (urls.isEmpty()) {
            throw new Bad(409, "no compliance URL: set complianceUrl in /_emulator/webhooks/settings, pass \"url\", or subscribe to a topic");
        }
        switch (topic) {
            case "shop-redact" -> {
                emu.webhooks().emitTo(s, "shop/redact", RestShapes.shopRedact(s), urls);
                return Json.obj("topic", "shop/redact", "urls", urls);
            }
            case "customers-redact", "customers-data-request" -> {
                long customerId;
                if (b.get("customerId") instanceof Number n) {
                    customerId = n.longValue();
                } else {
                    customerId = s.gen.customerIds.id(0);
                }
                Map<String, Object> cust = s.loadById(ResourceKind.CUSTOMER, customerId);
                String email = cust == null ? null : (String) cust.get("email");
                String phone = cust == null ? null : (String) cust.get("phone");
                List<Long> orders = new ArrayList<>();
                int ci = s.gen.customerIds.indexOf(customerId);
                int n = Math.min(s.store(ResourceKind.ORDER).size(), 5000);
                for (int i = 0; i < n && orders.size() < 50; i++) {
                    if (ci >= 0 && s.gen.orderCustomerIndex(i) == ci && s.store(ResourceKind.ORDER).exists(i)) {
                        orders.add(s.gen.orderIds.id(i));
                    }
                }
                if (topic.equals("customers-redact")) {
                    emu.webhooks().emitTo(s, "customers/redact", RestShapes.customersRedact(s, customerId, email, phone, orders), urls);
                    return Json.obj("topic", "customers/redact", "urls", urls, "customerId", customerId);
                }
                long requestId = 9_999L + (System.nanoTime() & 0xffff);
                emu.webhooks().emitTo(s, "customers/data_request", RestShapes.customersDataRequest(s, customerId, email, phone, orders, requestId), urls);
                return Json.obj("topic", "customers/data_request", "urls", urls, "customerId", customerId);
            }
            default -> throw new Bad(404, "unknown compliance topic " + topic + " (shop-redact, customers-redact, customers-data-request)");
        }
    }
}
