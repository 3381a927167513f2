package io.shopifysync.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook subscriptions and deliveries: Shopify's headers and HMAC, at-least-once delivery with retries
 * (exponential backoff scaled by timeScale), removal of a subscription whose retries are exhausted,
 * optional duplicates and reordering, and a delivery log for tests.
 */
final class Webhooks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    private static final long SUBSCRIPTION_BASE = 1_402_226_000_000L;
    private static final int LOG_MAX = 5_000;

    static final Map<String, String> TOPICS = Map.ofEntries(
            Map.entry("APP_UNINSTALLED", "app/uninstalled"), Map.entry("BULK_OPERATIONS_FINISH", "bulk_operations/finish"),
            Map.entry("CUSTOMERS_CREATE", "customers/create"), Map.entry("CUSTOMERS_DELETE", "customers/delete"),
            Map.entry("CUSTOMERS_UPDATE", "customers/update"), Map.entry("ORDERS_CREATE", "orders/create"),
            Map.entry("ORDERS_DELETE", "orders/delete"), Map.entry("ORDERS_UPDATED", "orders/updated"),
            Map.entry("PRODUCTS_CREATE", "products/create"), Map.entry("PRODUCTS_DELETE", "products/delete"),
            Map.entry("PRODUCTS_UPDATE", "products/update"));

    /** Delivery settings (control API: PUT /_emulator/webhooks/settings). */
    static final class Settings {
        volatile double duplicateRate;
        volatile double reorderRate;
        volatile long reorderDelayMs = 300;
        volatile long timeoutMs = 5000;
        volatile int maxRetries = 8;
        /** Shopify retries 8 times over 4 hours with exponential backoff: 56.5 s doubling, 8 waits add up to 4 h. */
        volatile long retryBaseDelayMs = 56_471;
        volatile String complianceUrl;
        /** Refuse every http:// subscription, as Shopify does; off: http:// is accepted for loopback hosts only. */
        volatile boolean httpsOnly;

        Map<String, Object> toMap() {
            return Json.obj("duplicateRate", duplicateRate, "reorderRate", reorderRate, "reorderDelayMs", reorderDelayMs,
                    "timeoutMs", timeoutMs, "maxRetries", maxRetries, "retryBaseDelayMs", retryBaseDelayMs, "complianceUrl", complianceUrl, "httpsOnly", httpsOnly);
        }
    }

    record Subscription(long id, String shop, String topic, String uri, String format, List<String> includeFields,
                        List<String> metafieldNamespaces, String filter, String name, long createdAt) {
        String gid() {
            return "gid://shopify/WebhookSubscription/" + id;
        }
    }

    record Attempt(Instant at, Integer statusCode, String error, long durationMs) {}

    /** One delivery of one event to one URL (a duplicate is a second Delivery with the same ids). */
    static final class Delivery {
        final String webhookId;
        final String eventId;
        final String topic;
        final String shop;
        final String url;
        final long subscriptionId;
        final byte[] body;
        final Instant triggeredAt;
        final boolean duplicate;
        final List<Attempt> attempts = new CopyOnWriteArrayList<>();
        volatile String status = "PENDING";
        volatile boolean reordered;

        Delivery(String webhookId, String eventId, String topic, String shop, String url, long subscriptionId, byte[] body,
                 Instant triggeredAt, boolean duplicate) {
            this.webhookId = webhookId;
            this.eventId = eventId;
            this.topic = topic;
            this.shop = shop;
            this.url = url;
            this.subscriptionId = subscriptionId;
            this.body = body;
            this.triggeredAt = triggeredAt;
            this.duplicate = duplicate;
        }

        Map<String, Object> toMap(boolean includeBody) {
            List<Map<String, Object>> as = new ArrayList<>();
            for (Attempt a : attempts) {
                as.add(Json.obj("at", a.at().toString(), "statusCode", a.statusCode(), "error", a.error(), "durationMs", a.durationMs()));
            }
            Map<String, Object> m = Json.obj("webhookId", webhookId, "eventId", eventId, "topic", topic, "shop", shop, "url", url,
                    "subscriptionId", subscriptionId > 0 ? "gid://shopify/WebhookSubscription/" + subscriptionId : null,
                    "triggeredAt", Times.triggeredAt(triggeredAt), "status", status, "duplicate", duplicate, "reordered", reordered,
                    "attemptCount", as.size(), "attempts", as, "bodyBytes", body.length);
            if (includeBody) {
                m.put("body", new String(body, StandardCharsets.UTF_8));
            }
            return m;
        }
    }

    final Settings settings = new Settings();
    private final ShopifyEmulator emu;
    private final Map<String, List<Subscription>> subscriptions = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(SUBSCRIPTION_BASE);
    private final Deque<Delivery> log = new ArrayDeque<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService httpExecutor;
    private final HttpClient client;
    private final Random random;
    private volatile boolean closed;

    Webhooks(ShopifyEmulator emu, long seed) {
        this.emu = emu;
        this.random = new Random(seed ^ 0x5DEECE66DL);
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "emulator-webhooks");
            t.setDaemon(true);
            return t;
        });
        this.httpExecutor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "emulator-webhook-http");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().executor(httpExecutor).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    // ------------------------------------------------------------------ subscriptions (GraphQL)

    static Map<String, Object> subscriptionMap(Subscription s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("_type", "WebhookSubscription");
        m.put("id", s.gid());
        m.put("legacyResourceId", Long.toString(s.id()));
        m.put("topic", s.topic());
        m.put("format", s.format());
        m.put("uri", s.uri());
        m.put("callbackUrl", s.uri());
        m.put("endpoint", Json.obj("_type", "WebhookHttpEndpoint", "callbackUrl", s.uri()));
        m.put("includeFields", s.includeFields());
        m.put("metafieldNamespaces", s.metafieldNamespaces());
        m.put("filter", s.filter());
        m.put("name", s.name());
        m.put("apiVersion", Json.obj("handle", GraphQlEngine.API_VERSION, "displayName", GraphQlEngine.API_VERSION, "supported", true));
        m.put("createdAt", Times.iso(s.createdAt()));
        m.put("updatedAt", Times.iso(s.createdAt()));
        return m;
    }

    private List<Subscription> subs(String shop) {
        return subscriptions.computeIfAbsent(shop, k -> new CopyOnWriteArrayList<>());
    }

    List<Map<String, Object>> list(ShopState shop) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Subscription s : subs(shop.domain)) {
            out.add(subscriptionMap(s));
        }
        return out;
    }

    Map<String, Object> getMap(ShopState shop, String gid) {
        for (Subscription s : subs(shop.domain)) {
            if (s.gid().equals(gid)) {
                return subscriptionMap(s);
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> create(ShopState shop, Object topicArg, Map<String, Object> input) {
        String topic = String.valueOf(topicArg);
        List<Map<String, Object>> errors = new ArrayList<>();
        String uri = input == null ? null : (String) (input.get("uri") != null ? input.get("uri") : input.get("callbackUrl"));
        if (uri == null || uri.isBlank()) {
            errors.add(Json.obj("field", List.of("webhookSubscription", "callbackUrl"), "message", "Address can't be blank"));
        } else if (!(uri.startsWith("http://") || uri.startsWith("https://"))) {
            errors.add(Json.obj("field", List.of("webhookSubscription", "callbackUrl"),
                    "message", "Address is invalid (only http and https endpoints are supported by the emulator)"));
        } else if (uri.startsWith("http://") && (settings.httpsOnly || !loopback(uri))) {
            // Shopify delivers only over HTTPS; plain HTTP to this machine is the emulator's local mode
            errors.add(Json.obj("field", List.of("webhookSubscription", "callbackUrl"), "message", "Address is invalid"));
        }
        String format = input == null || input.get("format") == null ? "JSON" : String.valueOf(input.get("format"));
        if (!format.equals("JSON")) {
            errors.add(Json.obj("field", List.of("webhookSubscription", "format"), "message", "Format is not supported by the emulator (JSON only)"));
        }
        if (errors.isEmpty()) {
            for (Subscription s : subs(shop.domain)) {
                if (s.topic().equals(topic) && s.uri().equals(uri)) {
                    errors.add(Json.obj("field", List.of("webhookSubscription", "callbackUrl"),
                            "message", "Address for this topic has already been taken"));
                    break;
                }
            }
        }
        if (!errors.isEmpty()) {
            return Json.obj("webhookSubscription", null, "userErrors", errors);
        }
        List<String> include = input.get("includeFields") == null ? List.of() : GraphQlEngine.strings((Collection<?>) input.get("includeFields"));
        List<String> ns = input.get("metafieldNamespaces") == null ? List.of() : GraphQlEngine.strings((Collection<?>) input.get("metafieldNamespaces"));
        Subscription s = new Subscription(nextId.incrementAndGet(), shop.domain, topic, uri, format, include, ns,
                (String) input.get("filter"), (String) input.get("name"), emu.nowSeconds());
        subs(shop.domain).add(s);
        return Json.obj("webhookSubscription", subscriptionMap(s), "userErrors", List.of());
    }

    /** Whether an http:// address names this machine (127.0.0.1, localhost or ::1). */
    static boolean loopback(String uri) {
        try {
            String host = java.net.URI.create(uri).getHost();
            return host != null && (host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("[::1]"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    Map<String, Object> delete(ShopState shop, String gid) {
        for (Subscription s : subs(shop.domain)) {
            if (s.gid().equals(gid)) {
                subs(shop.domain).remove(s);
                return Json.obj("deletedWebhookSubscriptionId", gid, "userErrors", List.of());
            }
        }
        return Json.obj("deletedWebhookSubscriptionId", null, "userErrors",
                List.of(Json.obj("field", List.of("id"), "message", "Webhook subscription does not exist")));
    }

    void deleteAll(ShopState shop) {
        subs(shop.domain).clear();
    }

    /** The distinct callback URLs of a shop's subscriptions (used for compliance topics when no URL is configured). */
    List<String> distinctUrls(ShopState shop) {
        LinkedHashSet<String> urls = new LinkedHashSet<>();
        for (Subscription s : subs(shop.domain)) {
            urls.add(s.uri());
        }
        return new ArrayList<>(urls);
    }

    // ------------------------------------------------------------------ emitting

    /** Sends an event to every subscription of its topic in the shop. {@code restTopic} e.g. "orders/create". */
    void emit(ShopState shop, String restTopic, Map<String, Object> body) {
        emit(shop, restTopic, () -> body);
    }

    /** Whether any subscription of the shop listens to the topic (bodies are only built when needed). */
    boolean hasSubscribers(ShopState shop, String restTopic) {
        for (Subscription s : subs(shop.domain)) {
            if (restTopic.equals(TOPICS.get(s.topic()))) {
                return true;
            }
        }
        return false;
    }

    /** Like {@link #emit(ShopState, String, Map)}, building the body only if someone subscribed. */
    void emit(ShopState shop, String restTopic, java.util.function.Supplier<Map<String, Object>> bodySupplier) {
        if (!hasSubscribers(shop, restTopic)) {
            return;
        }
        Map<String, Object> body = bodySupplier.get();
        String eventId = UUID.randomUUID().toString();
        Instant triggered = emu.clock().instant();
        for (Subscription s : subs(shop.domain)) {
            if (restTopic.equals(TOPICS.get(s.topic()))) {
                Map<String, Object> b = body;
                if (!s.includeFields().isEmpty()) {
                    b = new LinkedHashMap<>();
                    for (String f : s.includeFields()) {
                        if (body.containsKey(f)) {
                            b.put(f, body.get(f));
                        }
                    }
                }
                start(new Delivery(UUID.randomUUID().toString(), eventId, restTopic, shop.domain, s.uri(), s.id(), Json.bytes(b), triggered, false));
            }
        }
    }

    /** Sends an event to explicit URLs (compliance topics are configured in the app, not subscribed). */
    void emitTo(ShopState shop, String restTopic, Map<String, Object> body, Collection<String> urls) {
        String eventId = UUID.randomUUID().toString();
        Instant triggered = emu.clock().instant();
        byte[] bytes = Json.bytes(body);
        for (String url : urls) {
            start(new Delivery(UUID.randomUUID().toString(), eventId, restTopic, shop.domain, url, 0, bytes, triggered, false));
        }
    }

    /** Compliance URLs: the configured complianceUrl, else the shop's distinct subscription URLs. */
    List<String> complianceUrls(ShopState shop) {
        String c = settings.complianceUrl;
        return c != null && !c.isBlank() ? List.of(c) : distinctUrls(shop);
    }

    private void start(Delivery d) {
        record(d);
        double reorder;
        synchronized (random) {
            reorder = random.nextDouble();
        }
        if (reorder < settings.reorderRate) {
            d.reordered = true;
            long delay = settings.reorderDelayMs;
            long jitter;
            synchronized (random) {
                jitter = delay <= 1 ? 0 : random.nextInt((int) Math.min(Integer.MAX_VALUE, delay));
            }
            schedule(() -> send(d), delay / 2 + jitter);
        } else {
            send(d);
        }
    }

    private void record(Delivery d) {
        synchronized (log) {
            log.addLast(d);
            while (log.size() > LOG_MAX) {
                log.removeFirst();
            }
        }
    }

    private void schedule(Runnable r, long delayMs) {
        if (closed) {
            return;
        }
        try {
            scheduler.schedule(r, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            byte[] key = secret.getBytes(StandardCharsets.UTF_8);
            // HMAC pads short keys with zeros, so the empty key equals a block of zero bytes (SecretKeySpec rejects empty keys)
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[64] : key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void send(Delivery d) {
        if (closed) {
            return;
        }
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(d.url))
                    .timeout(Duration.ofMillis(Math.max(1, settings.timeoutMs)))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Shopify-Captain-Hook")
                    .header("X-Shopify-Topic", d.topic)
                    .header("X-Shopify-Hmac-Sha256", hmac(emu.clientSecret(), d.body))
                    .header("X-Shopify-Shop-Domain", d.shop)
                    .header("X-Shopify-API-Version", GraphQlEngine.API_VERSION)
                    .header("X-Shopify-Webhook-Id", d.webhookId)
                    .header("X-Shopify-Event-Id", d.eventId)
                    .header("X-Shopify-Triggered-At", Times.triggeredAt(d.triggeredAt))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(d.body))
                    .build();
        } catch (IllegalArgumentException e) {
            d.attempts.add(new Attempt(Instant.now(), null, "invalid URL: " + e.getMessage(), 0));
            failed(d);
            return;
        }
        long t0 = System.nanoTime();
        Instant at = Instant.now();
        client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (err == null && resp.statusCode() >= 200 && resp.statusCode() < 300) {
                d.attempts.add(new Attempt(at, resp.statusCode(), null, ms));
                d.status = "DELIVERED";
                maybeDuplicate(d);
                return;
            }
            String error = err == null ? null : rootMessage(err);
            d.attempts.add(new Attempt(at, err == null ? resp.statusCode() : null, error, ms));
            failed(d);
        });
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String name = c.getClass().getSimpleName();
        return c.getMessage() == null ? name : name + ": " + c.getMessage();
    }

    private void failed(Delivery d) {
        int done = d.attempts.size();
        if (done <= settings.maxRetries) {
            d.status = "RETRYING";
            long delay = (long) (settings.retryBaseDelayMs * Math.pow(2, done - 1) * emu.timeScale());
            schedule(() -> send(d), delay);
            return;
        }
        d.status = "FAILED";
        if (d.subscriptionId > 0 && !d.duplicate) {
            List<Subscription> list = subs(d.shop);
            list.removeIf(s -> s.id() == d.subscriptionId);
            LOG.info("webhook subscription {} for {} removed after {} failed attempts", d.subscriptionId, d.topic, done);
        }
    }

    private void maybeDuplicate(Delivery d) {
        if (d.duplicate) {
            return;
        }
        double p;
        synchronized (random) {
            p = random.nextDouble();
        }
        if (p < settings.duplicateRate) {
            Delivery dup = new Delivery(d.webhookId, d.eventId, d.topic, d.shop, d.url, d.subscriptionId, d.body, d.triggeredAt, true);
            record(dup);
            schedule(() -> send(dup), 20);
        }
    }

    // ------------------------------------------------------------------ log

    List<Map<String, Object>> deliveries(String shop, String topic, String status, boolean includeBody) {
        List<Delivery> copy;
        synchronized (log) {
            copy = new ArrayList<>(log);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Delivery d : copy) {
            if ((shop == null || shop.equals(d.shop)) && (topic == null || topic.equals(d.topic))
                    && (status == null || status.equalsIgnoreCase(d.status))) {
                out.add(d.toMap(includeBody));
            }
        }
        return out;
    }

    void clearLog() {
        synchronized (log) {
            log.clear();
        }
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        httpExecutor.shutdownNow();
    }

    static String topicEnum(String restTopic) {
        for (Map.Entry<String, String> e : TOPICS.entrySet()) {
            if (e.getValue().equals(restTopic)) {
                return e.getKey();
            }
        }
        return restTopic.toUpperCase(Locale.ROOT).replace('/', '_');
    }
}
