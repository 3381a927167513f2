package io.shopifysync.emulator;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Shopify Admin API emulator: GraphQL Admin API 2026-10 with Shopify's cost and throttling, bulk
 * operations, webhooks and a control API under {@code /_emulator/}. See docs/emulator.md.
 *
 * <pre>{@code
 * try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(2).seed(42).start()) {
 *     EmulatedShop shop = emu.shops().get(0);
 *     // POST shop.adminUrl() + "/admin/api/2026-10/graphql.json" with X-Shopify-Access-Token: shop.accessToken()
 * }
 * }</pre>
 */
public final class ShopifyEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShopifyEmulator.class);
    /** Queries whose requested cost is at most this run on the event loop (no worker hop). */
    private static final int INLINE_COST_LIMIT = 60;
    static final String INVALID_TOKEN = "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}";

    /** Thrown by {@link Builder#start()} when the emulator cannot start (e.g. the port is in use). */
    public static final class StartException extends RuntimeException {
        public StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Builder; every setting has a default suitable for tests. */
    public static final class Builder {
        private int port = 0;
        private String host = "127.0.0.1";
        private int shops = 1;
        private long seed = 42;
        private int orders = 250;
        private int products = 50;
        private int customers = 100;
        private String plan = "basic";
        private String clientSecret = "sandbox-secret";
        private double timeScale = 1.0;
        private Clock clock = Clock.systemUTC();
        private double bulkObjectsPerSecond = 5000;
        private int countLimit = 10_000;

        /** 0 = a random free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The address to bind (default 127.0.0.1; base URLs always use 127.0.0.1 unless a specific host is given). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder shops(int shops) {
            this.shops = shops;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Initial orders per shop (default 250). */
        public Builder orders(int orders) {
            this.orders = orders;
            return this;
        }

        /** Initial products per shop (default 50). */
        public Builder products(int products) {
            this.products = products;
            return this;
        }

        /** Initial customers per shop (default 100). */
        public Builder customers(int customers) {
            this.customers = customers;
            return this;
        }

        /** basic (2000 points, 100/s), advanced (4000, 200/s) or plus (20000, 1000/s). */
        public Builder plan(String plan) {
            this.plan = plan;
            return this;
        }

        /** The webhook HMAC key; default "sandbox-secret". */
        public Builder clientSecret(String clientSecret) {
            this.clientSecret = clientSecret;
            return this;
        }

        /** Multiplies every emulator delay (webhook retry backoff, redact delay, bulk run time); 1.0 = real. */
        public Builder timeScale(double timeScale) {
            this.timeScale = timeScale;
            return this;
        }

        /** The clock for timestamps (createdAt/updatedAt of mutations); default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Bulk operation pace in objects (JSONL lines) per second at timeScale 1 (default 5000); 0 = unpaced. */
        public Builder bulkObjectsPerSecond(double rate) {
            this.bulkObjectsPerSecond = rate;
            return this;
        }

        /** What ordersCount/productsCount/customersCount answer at most without a limit argument (Shopify: 10,000, AT_LEAST). */
        public Builder countLimit(int limit) {
            this.countLimit = limit;
            return this;
        }

        void validate() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            if (shops < 1 || shops > 1000) {
                throw new IllegalArgumentException("shops must be between 1 and 1000, got " + shops);
            }
            if (orders < 0 || products < 0 || customers < 0) {
                throw new IllegalArgumentException("orders, products and customers must not be negative");
            }
            if (orders > 50_000_000 || products > 50_000_000 || customers > 50_000_000) {
                throw new IllegalArgumentException("at most 50,000,000 objects per resource");
            }
            LeakyBucket.planLimits(plan);
            if (clientSecret == null) {
                throw new IllegalArgumentException("clientSecret must not be null");
            }
            if (!(timeScale >= 0) || Double.isInfinite(timeScale)) {
                throw new IllegalArgumentException("timeScale must be a finite number >= 0, got " + timeScale);
            }
            if (!(bulkObjectsPerSecond >= 0)) {
                throw new IllegalArgumentException("bulkObjectsPerSecond must be >= 0");
            }
            if (countLimit < 1) {
                throw new IllegalArgumentException("countLimit must be >= 1, got " + countLimit);
            }
        }

        public ShopifyEmulator start() {
            validate();
            ShopifyEmulator emu = new ShopifyEmulator(this);
            try {
                emu.startServer();
            } catch (RuntimeException e) {
                emu.close();
                throw e;
            }
            return emu;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private final long seed;
    private final String host;
    private final int requestedPort;
    private final String clientSecret;
    private volatile double timeScale;
    private final Clock clock;
    private final Map<String, ShopState> shops = new LinkedHashMap<>();
    private final List<EmulatedShop> shopViews = new ArrayList<>();
    private final Vertx vertx;
    private final WorkerExecutor workers;
    private final GraphQlEngine engine;
    private final Webhooks webhooks;
    private final BulkOperations bulk;
    private final ControlApi control;
    private final ScheduledExecutorService scheduler;
    private final Path dataDir;
    private final Random random;
    private final Map<String, Churn> churns = new ConcurrentHashMap<>();
    final SupportedVersions apiVersions = new SupportedVersions();
    volatile long shopRedactDelayMs = 48L * 3600 * 1000;
    /** Shopify from 2027-01-01 for public apps: a non-expiring offline token answers 401 and can no longer be exchanged. */
    volatile boolean rejectNonExpiringTokens;
    /** The default {@code limit} of the count queries: a larger count answers this with precision AT_LEAST. */
    volatile int countLimit;
    private HttpServer server;
    private volatile int port;
    private volatile String baseUrl;
    private volatile boolean closed;

    private ShopifyEmulator(Builder b) {
        this.seed = b.seed;
        this.host = b.host;
        this.requestedPort = b.port;
        this.clientSecret = b.clientSecret;
        this.timeScale = b.timeScale;
        this.countLimit = b.countLimit;
        this.clock = b.clock;
        this.random = new Random(b.seed);
        for (int i = 1; i <= b.shops; i++) {
            String domain = "sandbox-" + i + ".myshopify.com";
            shops.put(domain, new ShopState(domain, i, b.seed, b.orders, b.products, b.customers, b.plan.toLowerCase(Locale.ROOT), System::nanoTime));
        }
        try {
            this.dataDir = Files.createTempDirectory("shopify-emulator-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, Math.min(2, cores))).setWorkerPoolSize(4)
                .setBlockedThreadCheckInterval(10_000));
        this.workers = vertx.createSharedWorkerExecutor("emulator-graphql-" + UUID.randomUUID(), Math.max(4, cores * 2), 60, TimeUnit.SECONDS);
        this.engine = new GraphQlEngine(this);
        this.webhooks = new Webhooks(this, b.seed);
        this.bulk = new BulkOperations(this, dataDir, b.bulkObjectsPerSecond);
        this.control = new ControlApi(this);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "emulator-scheduler");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleAtFixedRate(this::churnTick, 100, 100, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ public API

    /** e.g. {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return port;
    }

    public List<EmulatedShop> shops() {
        return Collections.unmodifiableList(shopViews);
    }

    /** The shop with this domain; IllegalArgumentException if there is none. */
    public EmulatedShop shop(String domain) {
        for (EmulatedShop s : shopViews) {
            if (s.domain().equals(domain)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no emulated shop " + domain);
    }

    /** The contract C3 digest JSON of a shop, same as GET /_emulator/shops/{shop}/digest. */
    public String digest(String domain) {
        ShopState s = shops.get(domain);
        if (s == null) {
            throw new IllegalArgumentException("no emulated shop " + domain);
        }
        return Json.string(digestMap(s));
    }

    public double timeScale() {
        return timeScale;
    }

    public String clientSecret() {
        return clientSecret;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.shutdownNow();
        bulk.close();
        webhooks.close();
        try {
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.debug("closing the emulator's HTTP server", e);
        }
        try {
            workers.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("closing Vert.x", e);
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("removing {}", dataDir, e);
        }
    }

    // ------------------------------------------------------------------ package API

    GraphQlEngine engine() {
        return engine;
    }

    Webhooks webhooks() {
        return webhooks;
    }

    BulkOperations bulk() {
        return bulk;
    }

    Clock clock() {
        return clock;
    }

    long nowSeconds() {
        return clock.instant().getEpochSecond();
    }

    void timeScale(double value) {
        this.timeScale = value;
    }

    long seed() {
        return seed;
    }

    ShopState state(String domain) {
        return shops.get(domain);
    }

    java.util.Collection<ShopState> states() {
        return shops.values();
    }

    void schedule(Runnable r, long delayMs) {
        if (closed) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("scheduled emulator task failed", e);
                }
            }, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    // ------------------------------------------------------------------ HTTP

    private void startServer() {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(16L * 1024 * 1024).setHandleFileUploads(false));
        router.post("/shops/:shop/admin/api/:version/graphql.json").handler(ctx ->
                graphql(ctx, ctx.pathParam("shop"), ctx.pathParam("version")));
        router.post("/admin/api/:version/graphql.json").handler(ctx -> {
            String h = ctx.request().getHeader("Host");
            String domain = h == null ? "" : h.contains(":") ? h.substring(0, h.indexOf(':')) : h;
            graphql(ctx, domain.toLowerCase(Locale.ROOT), ctx.pathParam("version"));
        });
        router.post("/shops/:shop/admin/oauth/access_token").handler(ctx -> oauthToken(ctx, ctx.pathParam("shop")));
        router.post("/admin/oauth/access_token").handler(ctx -> {
            String h = ctx.request().getHeader("Host");
            oauthToken(ctx, (h == null ? "" : h.contains(":") ? h.substring(0, h.indexOf(':')) : h).toLowerCase(Locale.ROOT));
        });
        router.get("/_emulator/bulk/:shop/:file").handler(this::bulkFile);
        control.mount(router);
        router.route().last().handler(ctx -> json(ctx.response(), 404, "{\"errors\":\"Not Found\"}"));
        HttpServerOptions opts = new HttpServerOptions().setHost(host).setPort(requestedPort).setTcpNoDelay(true)
                .setCompressionSupported(false).setIdleTimeout(120);
        server = vertx.createHttpServer(opts).requestHandler(router);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            String msg = c instanceof java.net.BindException || String.valueOf(c.getMessage()).contains("Address already in use")
                    ? "port " + requestedPort + " is already in use" : "cannot listen on " + host + ":" + requestedPort + ": " + c.getMessage();
            throw new StartException(msg, c);
        }
        this.port = server.actualPort();
        String urlHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        this.baseUrl = "http://" + urlHost + ":" + port;
        for (ShopState s : shops.values()) {
            shopViews.add(new EmulatedShop(s, baseUrl));
        }
    }

    static void json(HttpServerResponse resp, int status, String body) {
        json(resp, status, Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
    }

    static void json(HttpServerResponse resp, int status, Buffer body) {
        if (resp.ended() || resp.closed()) {
            return;
        }
        resp.setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body);
    }

    private void graphql(RoutingContext ctx, String domain, String version) {
        HttpServerResponse resp = ctx.response();
        String requestId = UUID.randomUUID().toString();
        resp.putHeader("X-Request-Id", requestId);
        String served = apiVersions.served(version);
        if (served == null) {
            json(resp, 404, "{\"errors\":\"Not Found\"}");
            return;
        }
        ShopState shop = shops.get(domain);
        if (shop == null) {
            json(resp, 404, "{\"errors\":\"Not Found\"}");
            return;
        }
        String token = ctx.request().getHeader("X-Shopify-Access-Token");
        if (token == null || shop.tokenRevoked || !token.equals(shop.accessToken)
                || shop.accessTokenExpiresAtMillis > 0 && System.currentTimeMillis() >= shop.accessTokenExpiresAtMillis
                || rejectNonExpiringTokens && shop.accessTokenExpiresAtMillis == 0) {
            json(resp, 401, INVALID_TOKEN);
            return;
        }
        shop.requestCount.incrementAndGet();
        long arrivedAt = System.currentTimeMillis();
        resp.putHeader("X-Shopify-API-Version", served);
        Faults f = shop.faults;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (f.dropRate > 0 && rnd.nextDouble() < f.dropRate) {
            shop.requestLog.add(new RequestLog.Entry(arrivedAt, version, served, 0, null));
            ctx.request().connection().close();
            return;
        }
        boolean fail = f.failUntilCleared;
        if (!fail && f.failNextRequests > 0) {
            synchronized (f) {
                if (f.failNextRequests > 0) {
                    f.failNextRequests--;
                    fail = true;
                }
            }
        }
        if (!fail && f.errorRate > 0 && rnd.nextDouble() < f.errorRate) {
            fail = true;
        }
        if (fail) {
            String code = f.errorCode;
            int status = code != null ? 200 : f.errorStatus;
            String body = injectedBody(status, code, requestId);
            Double retryAfter = f.retryAfterSeconds;
            if (retryAfter != null && (status == 429 || status == 503)) {
                resp.putHeader("Retry-After", retryAfter == Math.rint(retryAfter) ? Long.toString(retryAfter.longValue()) : retryAfter.toString());
            }
            shop.requestLog.add(new RequestLog.Entry(arrivedAt, version, served, status, code));
            long delay = f.latencyMs;
            if (delay > 0) {
                vertx.setTimer(delay, id -> json(resp, status, body));
            } else {
                json(resp, status, body);
            }
            return;
        }
        shop.requestLog.add(new RequestLog.Entry(arrivedAt, version, served, null, null));
        String query;
        String operationName = null;
        Map<String, Object> variables = null;
        String ct = ctx.request().getHeader("Content-Type");
        Buffer raw = ctx.body().buffer();
        if (ct != null && ct.toLowerCase(Locale.ROOT).startsWith("application/graphql")) {
            query = raw == null ? null : raw.toString(StandardCharsets.UTF_8);
        } else {
            try {
                Map<String, Object> body = Json.parseObject(raw == null ? null : raw.getBytes());
                query = body.get("query") instanceof String s ? s : null;
                operationName = body.get("operationName") instanceof String s ? s : null;
                Object v = body.get("variables");
                if (v instanceof Map<?, ?>) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> vm = (Map<String, Object>) v;
                    variables = vm;
                } else if (v instanceof String vs && !vs.isBlank()) {
                    variables = Json.parseObject(vs);
                }
            } catch (IOException | RuntimeException e) {
                json(resp, 400, "{\"errors\":{\"query\":\"Required parameter missing or invalid\"}}");
                return;
            }
        }
        if (query == null || query.isBlank()) {
            json(resp, 400, "{\"errors\":{\"query\":\"Required parameter missing or invalid\"}}");
            return;
        }
        String q = query;
        String op = operationName;
        Map<String, Object> vars = variables;
        Runnable exec = () -> {
            int cost = engine.cachedRequestedCost(q, op, vars);
            if (cost >= 0 && cost <= INLINE_COST_LIMIT) {
                // small, already validated queries run on the event loop: no thread hop (they take microseconds)
                GraphQlEngine.Response r;
                try {
                    r = engine.execute(shop, q, op, vars);
                } catch (RuntimeException e) {
                    LOG.warn("GraphQL execution failed", e);
                    json(resp, 500, "{\"errors\":[{\"message\":\"Internal error. Looks like something went wrong on our end.\",\"extensions\":{\"code\":\"INTERNAL_SERVER_ERROR\"}}]}");
                    return;
                }
                json(resp, r.status(), Buffer.buffer(r.body()));
                return;
            }
            workers.<GraphQlEngine.Response>executeBlocking(() -> engine.execute(shop, q, op, vars), false)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        GraphQlEngine.Response r = ar.result();
                        json(resp, r.status(), Buffer.buffer(r.body()));
                    } else {
                        LOG.warn("GraphQL execution failed", ar.cause());
                        json(resp, 500, "{\"errors\":[{\"message\":\"Internal error. Looks like something went wrong on our end.\",\"extensions\":{\"code\":\"INTERNAL_SERVER_ERROR\"}}]}");
                    }
                });
        };
        long delay = f.latencyMs;
        if (delay > 0) {
            vertx.setTimer(delay, id -> exec.run());
        } else {
            exec.run();
        }
    }

    /**
     * The body of an injected error: Shopify's INTERNAL_SERVER_ERROR shape for 5xx and for a GraphQL error code answered
     * with HTTP 200, and the plain {"errors": reason} of Shopify's non-GraphQL answers for the shop states.
     */
    static String injectedBody(int status, String code, String requestId) {
        if (code != null && !code.equals("INTERNAL_SERVER_ERROR")) {
            return "{\"errors\":[{\"message\":\"Access denied. Shop is under review.\",\"extensions\":{\"code\":\"" + code + "\"}}]}";
        }
        if (code != null || status >= 500) {
            return "{\"errors\":[{\"message\":\"Internal error. Looks like something went wrong on our end.\\nRequest ID: "
                    + requestId + " (include this in support requests).\",\"extensions\":{\"code\":\"INTERNAL_SERVER_ERROR\",\"requestId\":\""
                    + requestId + "\"}}]}";
        }
        String reason = switch (status) {
            case 402 -> "Payment Required";
            case 423 -> "Locked";
            case 429 -> "Too Many Requests";
            default -> "Not Found";
        };
        return "{\"errors\":\"" + reason + "\"}";
    }

    private void bulkFile(RoutingContext ctx) {
        bulk.serve(ctx);
    }

    // ------------------------------------------------------------------ digest (contract C3)

    Map<String, Object> digestMap(ShopState s) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> children = new LinkedHashMap<>();
        MessageDigest transactions = sha256();
        long[] transactionCount = new long[1];
        for (ResourceKind k : ResourceKind.values()) {
            MessageDigest top = sha256();
            MessageDigest child = sha256();
            long[] counts = new long[2];
            DataGenerator.IdScheme ids = s.gen.ids(k);
            StringBuilder sb = new StringBuilder(64);
            s.store(k).scanByIndex(true, false, 0, 0, Integer.MAX_VALUE, (i, key, c, u, v) -> {
                long id = ids.id(i);
                sb.setLength(0);
                sb.append(id).append(' ').append(Times.iso(u)).append('\n');
                top.update(sb.toString().getBytes(StandardCharsets.US_ASCII));
                counts[0]++;
                if (k == ResourceKind.ORDER) {
                    int n = s.gen.lineItemCount(i);
                    for (int p = 0; p < n; p++) {
                        sb.setLength(0);
                        sb.append(s.gen.lineItemId(i, p)).append(' ').append(id).append('\n');
                        child.update(sb.toString().getBytes(StandardCharsets.US_ASCII));
                        counts[1]++;
                    }
                    // transaction ids grow with the order index, so per-order ascending order is global order
                    long[] txIds = transactionIds(s.materialize(k, i, c, u, v));
                    for (long tx : txIds) {
                        sb.setLength(0);
                        sb.append(tx).append(' ').append(id).append('\n');
                        transactions.update(sb.toString().getBytes(StandardCharsets.US_ASCII));
                        transactionCount[0]++;
                    }
                } else if (k == ResourceKind.PRODUCT) {
                    int n = s.gen.variantCount(i, v);
                    for (int p = 0; p < n; p++) {
                        sb.setLength(0);
                        sb.append(s.gen.variantId(i, p)).append(' ').append(id).append('\n');
                        child.update(sb.toString().getBytes(StandardCharsets.US_ASCII));
                        counts[1]++;
                    }
                }
                return true;
            });
            out.put(k.plural, Json.obj("count", counts[0], "sha256", HexFormat.of().formatHex(top.digest())));
            if (k == ResourceKind.ORDER) {
                children.put("order_line_items", Json.obj("count", counts[1], "sha256", HexFormat.of().formatHex(child.digest())));
            } else if (k == ResourceKind.PRODUCT) {
                children.put("product_variants", Json.obj("count", counts[1], "sha256", HexFormat.of().formatHex(child.digest())));
            }
        }
        out.putAll(children);
        out.put("order_transactions", Json.obj("count", transactionCount[0], "sha256", HexFormat.of().formatHex(transactions.digest())));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static long[] transactionIds(Map<String, Object> order) {
        Object list = order.get("transactions");
        if (!(list instanceof List<?> txs)) {
            return new long[0];
        }
        return txs.stream().map(t -> String.valueOf(((Map<String, Object>) t).get("id")))
                .mapToLong(gid -> Long.parseLong(gid.substring(gid.lastIndexOf('/') + 1))).sorted().toArray();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ mutations

    /** One changed object, as reported by the control API. */
    record Change(String id, long legacyId, String updatedAt) {}

    /**
     * Creates, updates or deletes objects now: {@code count} random ones, or the given legacy ids (update and
     * delete). Bumps updatedAt, records events and fires the matching webhooks.
     */
    List<Change> mutate(ShopState shop, ResourceKind kind, String action, int count, List<Long> ids) {
        List<Change> out = new ArrayList<>();
        ResourceStore store = shop.store(kind);
        DataGenerator.IdScheme scheme = shop.gen.ids(kind);
        List<Integer> targets = new ArrayList<>();
        if (!action.equals("create")) {
            if (ids != null && !ids.isEmpty()) {
                for (Long id : ids) {
                    int idx = scheme.indexOf(id);
                    if (idx >= 0 && store.exists(idx)) {
                        targets.add(idx);
                    }
                }
            } else {
                // Shopify refuses to delete a customer with orders: random deletes pick among those without
                java.util.function.IntPredicate eligible = kind == ResourceKind.CUSTOMER && action.equals("delete")
                        ? i -> !shop.customerHasOrders(i) : i -> true;
                targets.addAll(randomLive(store, count, eligible));
            }
        }
        switch (action) {
            case "create" -> {
                for (int i = 0; i < count; i++) {
                    long now = nowSeconds();
                    int idx = kind == ResourceKind.ORDER ? shop.appendOrder(now, now) : store.append(now, now);
                    Map<String, Object> obj = shop.load(kind, idx);
                    long id = scheme.id(idx);
                    shop.events.add("create", kind.subjectType, kind.gid(id), nowSeconds(), kind.typeName + " was created.");
                    webhooks.emit(shop, kind.topic("create"), () -> rest(shop, kind, obj));
                    out.add(new Change(kind.gid(id), id, (String) obj.get("updatedAt")));
                }
            }
            case "update" -> {
                for (int idx : targets) {
                    long u = store.touch(idx, nowSeconds());
                    if (u < 0) {
                        continue;
                    }
                    Map<String, Object> obj = shop.load(kind, idx);
                    if (obj == null) {
                        continue;
                    }
                    long id = scheme.id(idx);
                    webhooks.emit(shop, kind.topic("update"), () -> rest(shop, kind, obj));
                    out.add(new Change(kind.gid(id), id, (String) obj.get("updatedAt")));
                }
            }
            case "delete" -> {
                for (int idx : targets) {
                    Map<String, Object> obj = shop.load(kind, idx);
                    boolean deleted = switch (kind) {
                        case ORDER -> shop.deleteOrder(idx);
                        case CUSTOMER -> shop.deleteCustomer(idx); // refused while it has orders, as Shopify does
                        default -> store.delete(idx);
                    };
                    if (obj == null || !deleted) {
                        continue;
                    }
                    long id = scheme.id(idx);
                    String title = (String) (kind == ResourceKind.PRODUCT ? obj.get("title") : kind == ResourceKind.ORDER ? obj.get("name") : obj.get("displayName"));
                    shop.events.add("destroy", kind.subjectType, kind.gid(id), nowSeconds(), kind.typeName + " was deleted: " + title);
                    webhooks.emit(shop, kind.topic("delete"), RestShapes.deleted(kind, id));
                    out.add(new Change(kind.gid(id), id, null));
                }
            }
            default -> throw new IllegalArgumentException("unknown action " + action);
        }
        return out;
    }

    private static Map<String, Object> rest(ShopState shop, ResourceKind kind, Map<String, Object> obj) {
        return switch (kind) {
            case ORDER -> RestShapes.order(shop, obj);
            case PRODUCT -> RestShapes.product(shop, obj);
            case CUSTOMER -> RestShapes.customer(shop, obj);
        };
    }

    private List<Integer> randomLive(ResourceStore store, int count, java.util.function.IntPredicate eligible) {
        List<Integer> out = new ArrayList<>();
        int size = store.size();
        int live = store.liveCount();
        if (size == 0 || live == 0) {
            return out;
        }
        int want = Math.min(count, live);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        int guard = 0;
        while (out.size() < want && guard++ < want * 50 + 100) {
            int idx;
            synchronized (random) {
                idx = random.nextInt(size);
            }
            if (store.exists(idx) && eligible.test(idx) && seen.add(idx)) {
                out.add(idx);
            }
        }
        for (int i = 0; i < size && out.size() < want; i++) {
            if (store.exists(i) && eligible.test(i) && seen.add(i)) {
                out.add(i);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ steady churn

    /** A steady rate of creates/updates/deletes per second for one shop and resource. */
    static final class Churn {
        final double create;
        final double update;
        final double delete;
        double cCredit;
        double uCredit;
        double dCredit;

        Churn(double create, double update, double delete) {
            this.create = create;
            this.update = update;
            this.delete = delete;
        }

        Map<String, Object> toMap() {
            return Json.obj("createPerSecond", create, "updatePerSecond", update, "deletePerSecond", delete);
        }
    }

    void startChurn(ShopState shop, ResourceKind kind, Churn churn) {
        churns.put(shop.domain + "|" + kind.plural, churn);
    }

    boolean stopChurn(ShopState shop, ResourceKind kind) {
        return churns.remove(shop.domain + "|" + kind.plural) != null;
    }

    Map<String, Object> churns(ShopState shop) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ResourceKind k : ResourceKind.values()) {
            Churn c = churns.get(shop.domain + "|" + k.plural);
            if (c != null) {
                out.put(k.plural, c.toMap());
            }
        }
        return out;
    }

    private void churnTick() {
        for (Map.Entry<String, Churn> e : churns.entrySet()) {
            String[] parts = e.getKey().split("\\|");
            ShopState shop = shops.get(parts[0]);
            ResourceKind kind = ResourceKind.fromPlural(parts[1]);
            Churn c = e.getValue();
            try {
                c.cCredit += c.create / 10.0;
                c.uCredit += c.update / 10.0;
                c.dCredit += c.delete / 10.0;
                int n = (int) c.cCredit;
                if (n > 0) {
                    c.cCredit -= n;
                    mutate(shop, kind, "create", n, null);
                }
                n = (int) c.uCredit;
                if (n > 0) {
                    c.uCredit -= n;
                    mutate(shop, kind, "update", n, null);
                }
                n = (int) c.dCredit;
                if (n > 0) {
                    c.dCredit -= n;
                    mutate(shop, kind, "delete", n, null);
                }
            } catch (RuntimeException ex) {
                LOG.warn("churn for {} failed", e.getKey(), ex);
            }
        }
    }

    // ------------------------------------------------------------------ app lifecycle

    /** Uninstalls the app: app/uninstalled now, token revoked, subscriptions removed, shop/redact after the delay. */
    void uninstall(ShopState shop, Long redactDelayMs) {
        List<String> complianceUrls = webhooks.complianceUrls(shop);
        webhooks.emit(shop, "app/uninstalled", RestShapes.shop(shop));
        shop.tokenRevoked = true;
        shop.installed = false;
        webhooks.deleteAll(shop);
        long delay = (long) ((redactDelayMs != null ? redactDelayMs : shopRedactDelayMs) * timeScale);
        schedule(() -> webhooks.emitTo(shop, "shop/redact", RestShapes.shopRedact(shop), complianceUrls), delay);
    }

    /** The client id the emulated app has (Shopify's API key); the secret is the webhook client secret. */
    public static final String CLIENT_ID = "sandbox-client-id";
    private static final String SCOPES = "read_orders,read_products,read_customers";

    /**
     * Shopify's token endpoint: {@code grant_type=refresh_token} (expiring offline tokens; the refresh token
     * rotates on use) and {@code client_credentials}; form or JSON body with client_id and client_secret.
     */
    private void oauthToken(RoutingContext ctx, String domain) {
        ShopState shop = shops.get(domain);
        if (shop == null) {
            json(ctx.response(), 404, "{\"errors\":\"Not Found\"}");
            return;
        }
        Map<String, String> p = new LinkedHashMap<>();
        String body = ctx.body() == null ? "" : ctx.body().asString();
        String type = ctx.request().getHeader("Content-Type");
        try {
            if (type != null && type.startsWith("application/json")) {
                com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
                n.fieldNames().forEachRemaining(f -> p.put(f, n.get(f).asText()));
            } else {
                for (String pair : body.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        p.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (Exception e) {
            json(ctx.response(), 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        if (!CLIENT_ID.equals(p.get("client_id")) || !clientSecret.equals(p.get("client_secret"))) {
            json(ctx.response(), 401, "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}");
            return;
        }
        synchronized (shop) {
            String grant = String.valueOf(p.get("grant_type"));
            if (grant.equals("refresh_token")) {
                if (shop.refreshToken == null || !shop.refreshToken.equals(p.get("refresh_token")) || !shop.installed) {
                    json(ctx.response(), 400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token is invalid or was used already\"}");
                    return;
                }
                issueExpiring(shop);
                shop.exchangedFrom = null; // a refreshed pair ends the exchange's retry window
                json(ctx.response(), 200, expiringPair(shop));
            } else if (grant.equals(TOKEN_EXCHANGE)) {
                exchangeNonExpiring(ctx, shop, p);
            } else if (grant.equals("client_credentials")) {
                if (!shop.installed) {
                    json(ctx.response(), 400, "{\"error\":\"invalid_grant\",\"error_description\":\"app not installed\"}");
                    return;
                }
                issueExpiring(shop);
                shop.refreshToken = null;
                json(ctx.response(), 200, Json.string(Json.obj("access_token", shop.accessToken, "scope", SCOPES,
                        "expires_in", shop.tokenLifetimeMillis / 1000)));
            } else {
                json(ctx.response(), 400, "{\"error\":\"unsupported_grant_type\"}");
            }
        }
    }

    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String OFFLINE_ACCESS_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token";

    /**
     * Shopify's migration of a non-expiring offline token to an expiring one (token exchange, {@code expiring=1}): the old
     * token stops working at once; the same exchange repeated with it within seven days (time-scaled), before the new
     * pair is refreshed, answers the same pair, so a lost answer can be recovered.
     */
    private void exchangeNonExpiring(RoutingContext ctx, ShopState shop, Map<String, String> p) {
        if (!OFFLINE_ACCESS_TOKEN.equals(p.get("subject_token_type")) || !OFFLINE_ACCESS_TOKEN.equals(p.get("requested_token_type"))
                || !"1".equals(p.get("expiring")) || p.get("subject_token") == null) {
            json(ctx.response(), 400, "{\"error\":\"invalid_request\",\"error_description\":\"subject_token, subject_token_type, "
                    + "requested_token_type (offline-access-token) and expiring=1 are required\"}");
            return;
        }
        String subject = p.get("subject_token");
        long now = System.currentTimeMillis();
        boolean nonExpiring = shop.installed && !shop.tokenRevoked && subject.equals(shop.accessToken)
                && shop.accessTokenExpiresAtMillis == 0 && shop.refreshToken == null;
        boolean retry = shop.installed && subject.equals(shop.exchangedFrom)
                && now - shop.exchangedAtMillis < (long) (7L * 24 * 3600 * 1000 * timeScale);
        if (rejectNonExpiringTokens || !nonExpiring && !retry) {
            json(ctx.response(), 400, "{\"error\":\"invalid_grant\",\"error_description\":\"subject token is invalid\"}");
            return;
        }
        if (nonExpiring) {
            issueExpiring(shop);
            shop.exchangedFrom = subject;
            shop.exchangedAtMillis = now;
        } else {
            shop.accessTokenExpiresAtMillis = now + shop.tokenLifetimeMillis; // the same pair, its access token's expiry extended
        }
        json(ctx.response(), 200, expiringPair(shop));
    }

    private String expiringPair(ShopState shop) {
        return Json.string(Json.obj("access_token", shop.accessToken, "expires_in", shop.tokenLifetimeMillis / 1000,
                "refresh_token", shop.refreshToken, "refresh_token_expires_in", 7_776_000, "scope", SCOPES));
    }

    /** A new expiring access token and a new refresh token; the previous ones stop working. */
    Map<String, Object> issueExpiring(ShopState shop) {
        synchronized (shop) {
            int generation = shop.tokenGrants.incrementAndGet() + 1000;
            shop.accessToken = ShopState.tokenFor(seed, shop.domain, generation);
            shop.refreshToken = "shprt_" + ShopState.tokenFor(seed ^ 0x5eed, shop.domain, generation).substring(6);
            shop.accessTokenExpiresAtMillis = System.currentTimeMillis() + shop.tokenLifetimeMillis;
            shop.tokenRevoked = false;
            return Json.obj("accessToken", shop.accessToken, "refreshToken", shop.refreshToken,
                    "expiresIn", shop.tokenLifetimeMillis / 1000, "grants", shop.tokenGrants.get());
        }
    }

    /** Reinstalls the app (or rotates the token): a new token, not revoked, installed. */
    String reinstall(ShopState shop) {
        synchronized (shop) {
            int generation = shop.accessToken.hashCode() & 0x7fffffff;
            shop.accessToken = ShopState.tokenFor(seed, shop.domain, generation == 0 ? 1 : generation);
            shop.tokenRevoked = false;
            shop.accessTokenExpiresAtMillis = 0;
            shop.refreshToken = null;
            shop.exchangedFrom = null;
            shop.installed = true;
            return shop.accessToken;
        }
    }

}
