package io.shopifysync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.IntUnaryOperator;

/**
 * Test-only client for the emulator: plain java.net.http + Jackson, written independently of the
 * emulator's code (docs/architecture.md, principle 9). Also holds a tiny webhook receiver.
 */
final class GraphqlClient {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String VERSION = "2026-10";
    static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    final String baseUrl;
    final String shop;
    final String token;

    /** A client for the first shop of an emulator started by the extension (the setup of most emulator tests). */
    static GraphqlClient forFirstShop(EmulatorExtension emu) {
        var shop = emu.shops().get(0);
        return new GraphqlClient(emu.baseUrl(), shop.domain(), shop.accessToken());
    }

    GraphqlClient(String baseUrl, String shop, String token) {
        this.baseUrl = baseUrl;
        this.shop = shop;
        this.token = token;
    }

    /** One HTTP answer. */
    record Resp(int status, Map<String, List<String>> headers, byte[] bytes) {
        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + body(), e);
            }
        }

        JsonNode errors() {
            return json().path("errors");
        }

        JsonNode cost() {
            return json().path("extensions").path("cost");
        }

        boolean throttled() {
            JsonNode errs = json().path("errors");
            if (!errs.isArray()) return false;
            for (JsonNode e : errs) {
                if ("THROTTLED".equals(e.path("extensions").path("code").asText())) return true;
            }
            return false;
        }
    }

    String graphqlUrl(String version) {
        return baseUrl + "/shops/" + shop + "/admin/api/" + version + "/graphql.json";
    }

    static String body(String query, Map<String, ?> variables) {
        ObjectNode n = JSON.createObjectNode();
        n.put("query", query);
        if (variables != null && !variables.isEmpty()) n.set("variables", JSON.valueToTree(variables));
        return n.toString();
    }

    /** POST a GraphQL document with this client's token. */
    Resp post(String query) {
        return post(query, null);
    }

    Resp post(String query, Map<String, ?> variables) {
        return raw(graphqlUrl(VERSION), token, body(query, variables));
    }

    /** POST with an explicit URL and token (null token = header absent). */
    static Resp raw(String url, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) b.header("X-Shopify-Access-Token", token);
        return send(b.build());
    }

    static Resp send(HttpRequest req) {
        try {
            HttpResponse<byte[]> r = HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Resp(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET an absolute URL (e.g. a bulk result url) or a path below the base URL. */
    Resp get(String urlOrPath) {
        String url = urlOrPath.startsWith("http") ? urlOrPath : baseUrl + urlOrPath;
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build());
    }

    /** Control API call: JSON body (may be null) to {baseUrl}{path}. */
    Resp control(String method, String path, Object jsonBody) {
        String body = jsonBody == null ? "" : (jsonBody instanceof String s ? s : JSON.valueToTree(jsonBody).toString());
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, jsonBody == null && !method.equals("POST") && !method.equals("PUT")
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return send(req);
    }

    /** Control API call that must succeed (2xx); returns the JSON answer (or null for an empty body). */
    JsonNode controlOk(String method, String path, Object jsonBody) {
        Resp r = control(method, path, jsonBody);
        if (r.status() / 100 != 2) {
            throw new AssertionError(method + " " + path + " -> HTTP " + r.status() + ": " + r.body());
        }
        return r.bytes().length == 0 ? null : r.json();
    }

    // ------------------------------------------------------------------ control API (paths per docs/emulator.md)

    String shopControl(String rest) {
        return "/_emulator/shops/" + shop + rest;
    }

    JsonNode createObjects(String resource, int n) {
        return controlOk("POST", shopControl("/" + resource + "/create"), Map.of("count", n));
    }

    JsonNode updateObjects(String resource, int n) {
        return controlOk("POST", shopControl("/" + resource + "/update"), Map.of("count", n));
    }

    JsonNode deleteObjects(String resource, int n) {
        return controlOk("POST", shopControl("/" + resource + "/delete"), Map.of("count", n));
    }

    /** Steady-rate updates of orders (the control API's "churn"). */
    JsonNode startSteadyMutations(double updatesPerSecond) {
        return controlOk("POST", shopControl("/orders/churn"), Map.of("updatePerSecond", updatesPerSecond));
    }

    JsonNode stopSteadyMutations() {
        return controlOk("DELETE", shopControl("/orders/churn"), null);
    }

    /** Keys: errorRate, errorStatus, latencyMs, dropRate, bulkFailAfterObjects, bulkErrorCode, failNextRequests. */
    JsonNode setFault(Map<String, ?> fault) {
        return controlOk("PUT", shopControl("/faults"), fault);
    }

    JsonNode clearFaults() {
        return controlOk("DELETE", shopControl("/faults"), null);
    }

    /** Bulk operations started from now on fail with INTERNAL_SERVER_ERROR after this many objects. */
    JsonNode injectBulkFailure(long afterObjects) {
        return setFault(Map.of("bulkFailAfterObjects", afterObjects));
    }

    /** Bulk pace in objects per second at timeScale 1 (emulator-wide); 0 = unpaced. */
    JsonNode bulkObjectsPerSecond(double rate) {
        return controlOk("PUT", "/_emulator/settings", Map.of("bulkObjectsPerSecond", rate));
    }

    /** Empties the shop's bucket (throttle pressure). */
    JsonNode drainBucket(double available) {
        return controlOk("POST", shopControl("/throttle/drain"), Map.of("available", available));
    }

    /** Emulator-wide webhook delivery settings. */
    JsonNode webhookSettings(Map<String, ?> settings) {
        return controlOk("PUT", "/_emulator/webhooks/settings", settings);
    }

    JsonNode setWebhookDelivery(double duplicateRate, double reorderRate) {
        return webhookSettings(Map.of("duplicateRate", duplicateRate, "reorderRate", reorderRate));
    }

    JsonNode revokeToken() {
        return controlOk("POST", shopControl("/token/revoke"), null);
    }

    JsonNode uninstall() {
        return controlOk("POST", shopControl("/uninstall"), null);
    }

    /** POST and demand HTTP 200 without GraphQL errors; returns {@code data}. */
    JsonNode data(String query) {
        return data(query, null);
    }

    JsonNode data(String query, Map<String, ?> variables) {
        Resp r = post(query, variables);
        if (r.status() == 200 && r.throttled()) {
            r = waitOutThrottle(query, variables, r);
        }
        if (r.status() != 200 || r.json().has("errors")) {
            throw new AssertionError("query failed (HTTP " + r.status() + "): " + r.body() + "\nquery: " + query);
        }
        return r.json().path("data");
    }

    /**
     * Like a polite client: after THROTTLED, wait until the bucket holds the requested cost
     * (computed from throttleStatus) and retry; Awaitility does the waiting.
     */
    private Resp waitOutThrottle(String query, Map<String, ?> variables, Resp throttled) {
        JsonNode cost = throttled.cost();
        double need = cost.path("requestedQueryCost").asDouble() - cost.path("throttleStatus").path("currentlyAvailable").asDouble();
        double rate = Math.max(1, cost.path("throttleStatus").path("restoreRate").asDouble());
        long waitMs = Math.max(1, (long) Math.ceil(need / rate * 1000));
        Resp[] last = {throttled};
        org.awaitility.Awaitility.await()
                .pollDelay(Duration.ofMillis(waitMs))
                .pollInterval(Duration.ofMillis(Math.max(10, waitMs / 4)))
                .atMost(Duration.ofMillis(waitMs + 30_000))
                .until(() -> {
                    last[0] = post(query, variables);
                    return !(last[0].status() == 200 && last[0].throttled());
                });
        return last[0];
    }

    /**
     * Walks a top-level connection page by page. {@code args} are extra arguments (e.g.
     * {@code sortKey: UPDATED_AT, reverse: true}); {@code search} is the query string or null.
     * Forward uses first/after, backwards uses last/before. Returns nodes in the order received.
     */
    List<JsonNode> walk(String connection, String args, String search, String nodeSelection, int pageSize, boolean backwards) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        while (true) {
            String q = "query($c: String, $q: String) { " + connection + "("
                    + (backwards ? "last: " + pageSize + ", before: $c" : "first: " + pageSize + ", after: $c")
                    + ", query: $q" + (args == null || args.isBlank() ? "" : ", " + args) + ") { "
                    + "edges { cursor node { " + nodeSelection + " } } "
                    + "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("c", cursor);
            vars.put("q", search);
            JsonNode conn = data(q, vars).path(connection);
            List<JsonNode> page = new ArrayList<>();
            for (JsonNode e : conn.path("edges")) page.add(e.path("node"));
            if (page.size() > pageSize) throw new AssertionError("page larger than requested: " + page.size());
            if (backwards) {
                Collections.reverse(page);
            }
            out.addAll(page);
            JsonNode pi = conn.path("pageInfo");
            boolean more = backwards ? pi.path("hasPreviousPage").asBoolean() : pi.path("hasNextPage").asBoolean();
            if (!more) break;
            cursor = backwards ? pi.path("startCursor").asText() : pi.path("endCursor").asText();
            if (cursor == null || cursor.isEmpty()) throw new AssertionError("more pages but no cursor: " + pi);
            if (++pages > 100_000) throw new AssertionError("paging does not end");
        }
        return out;
    }

    /** All children of one parent via node(id:) { ... on T { field(first: 250, after:) } }. */
    List<JsonNode> children(String parentGid, String type, String field, String selection) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("id", parentGid);
            vars.put("c", cursor);
            JsonNode conn = data("query($id: ID!, $c: String) { node(id: $id) { ... on " + type + " { " + field
                    + "(first: 250, after: $c) { edges { node { " + selection + " } } pageInfo { hasNextPage endCursor } } } } }", vars)
                    .path("node").path(field);
            conn.path("edges").forEach(e -> out.add(e.path("node")));
            if (!conn.path("pageInfo").path("hasNextPage").asBoolean()) return out;
            cursor = conn.path("pageInfo").path("endCursor").asText();
        }
        throw new AssertionError("children paging does not end");
    }

    /**
     * Contract C3 computed independently from the public GraphQL API (needs a plan whose bucket
     * allows ~750-point queries back to back, i.e. plus): for each top-level resource the lines
     * "id updatedAt" and for each child "id parentId", sorted by id, SHA-256 hex.
     */
    Map<String, Map<String, Object>> digestViaGraphql() {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        top(out, "orders", "lineItems", "Order", "order_line_items");
        top(out, "products", "variants", "Product", "product_variants");
        top(out, "customers", null, null, null);
        return out;
    }

    private void top(Map<String, Map<String, Object>> out, String connection, String childField, String type, String childKey) {
        java.util.TreeMap<Long, String> lines = new java.util.TreeMap<>();
        java.util.TreeMap<Long, Long> children = new java.util.TreeMap<>();
        java.util.TreeMap<Long, Long> transactions = new java.util.TreeMap<>();
        boolean orders = connection.equals("orders");
        String sel = "id legacyResourceId updatedAt" + (orders ? " transactions { id }" : "")
                + (childField == null ? "" : " " + childField + "(first: 250) { edges { node { id } } pageInfo { hasNextPage endCursor } }");
        for (JsonNode n : walk(connection, null, null, sel, childField == null ? 250 : 3, false)) {
            long id = Long.parseLong(n.path("legacyResourceId").asText());
            if (gidNumber(n.path("id").asText()) != id) throw new AssertionError("gid and legacyResourceId disagree: " + n);
            String updated = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
                    .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.parse(n.path("updatedAt").asText()));
            if (lines.put(id, id + " " + updated + "\n") != null) throw new AssertionError("duplicate " + connection + " id " + id);
            for (JsonNode t : n.path("transactions")) {
                if (transactions.put(gidNumber(t.path("id").asText()), id) != null) throw new AssertionError("duplicate transaction " + t);
            }
            if (childField != null) {
                List<JsonNode> kids = new ArrayList<>();
                n.path(childField).path("edges").forEach(e -> kids.add(e.path("node")));
                if (n.path(childField).path("pageInfo").path("hasNextPage").asBoolean()) {
                    kids.clear();
                    kids.addAll(children(n.path("id").asText(), type, childField, "id"));
                }
                for (JsonNode k : kids) {
                    long kid = gidNumber(k.path("id").asText());
                    if (children.put(kid, id) != null) throw new AssertionError("duplicate child id " + kid);
                }
            }
        }
        out.put(connection, digestEntry(lines.values()));
        if (childField != null) {
            List<String> childLines = new ArrayList<>();
            children.forEach((k, p) -> childLines.add(k + " " + p + "\n"));
            out.put(childKey, digestEntry(childLines));
        }
        if (orders) {
            List<String> txLines = new ArrayList<>();
            transactions.forEach((k, p) -> txLines.add(k + " " + p + "\n"));
            out.put("order_transactions", digestEntry(txLines));
        }
    }

    private static Map<String, Object> digestEntry(java.util.Collection<String> lines) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (String l : lines) sha.update(l.getBytes(StandardCharsets.UTF_8));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", lines.size());
            m.put("sha256", java.util.HexFormat.of().formatHex(sha.digest()));
            return m;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Numeric id at the end of a gid (gid://shopify/Order/123 -> 123). */
    static long gidNumber(String gid) {
        String s = gid;
        int q = s.indexOf('?');
        if (q >= 0) s = s.substring(0, q);
        return Long.parseLong(s.substring(s.lastIndexOf('/') + 1));
    }

    static String gidType(String gid) {
        String[] p = gid.split("/");
        return p[3];
    }

    // ------------------------------------------------------------------ webhook receiver

    /** A delivery as the receiver saw it. */
    record Delivery(long receivedNanos, String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("webhook body is not JSON: " + new String(body, StandardCharsets.UTF_8), e);
            }
        }
    }

    /**
     * Tiny local HTTP receiver (JDK HttpServer on 127.0.0.1, random port). {@code statusForAttempt}
     * maps the 1-based arrival count of a (path) to the HTTP status to answer.
     */
    static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        volatile IntUnaryOperator statusForAttempt = n -> 200;
        /** Arrivals (1-based) for which the receiver withholds its answer until {@link #release} or 5 s. */
        volatile java.util.function.IntPredicate holdAttempt = n -> false;
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        Receiver() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.createContext("/", ex -> {
                byte[] body;
                try (InputStream in = ex.getRequestBody()) {
                    body = in.readAllBytes();
                }
                Map<String, String> h = new TreeMap<>();
                ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(), v.isEmpty() ? null : v.get(0)));
                int n;
                synchronized (this) {
                    deliveries.add(new Delivery(System.nanoTime(), ex.getRequestURI().getPath(), h, body));
                    n = deliveries.size();
                }
                int status = statusForAttempt.applyAsInt(n);
                if (holdAttempt.test(n)) {
                    try {
                        release.await(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                ex.sendResponseHeaders(status, -1);
                ex.close();
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        List<Delivery> at(String path) {
            List<Delivery> out = new ArrayList<>();
            for (Delivery d : deliveries) if (d.path().equals(path)) out.add(d);
            return out;
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
