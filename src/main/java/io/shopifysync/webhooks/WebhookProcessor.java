package io.shopifysync.webhooks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Child;
import io.shopifysync.catalog.Gid;
import io.shopifysync.catalog.Resource;
import io.shopifysync.scopes.AccessScopes;
import io.shopifysync.db.Jdbc;
import io.shopifysync.shopify.GraphqlRequest;
import io.shopifysync.shopify.QueryCost;
import io.shopifysync.shopify.ShopifyApiException;
import io.shopifysync.sync.DeadLetters;
import io.shopifysync.sync.ShopHealth;
import io.shopifysync.sync.Pager;
import io.shopifysync.sync.ResourceWriter;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leaf work of routes/webhooks.yaml's webhook-process routes, which carry the flow (claim, split, choice per kind,
 * done and failed marks): turning claimed rows into batches, deciding which objects need a re-read, re-reading them,
 * tombstoning, the compliance actions, and the retry or dead-letter verdict of a failure. A resource topic is a
 * signal: the object is read again from the store (in batches with {@code nodes(ids:)}) and written with the same
 * newer-wins upserts as poll and import, so neither a stale retry nor a reordered delivery can overwrite newer data; a
 * payload older than the stored row is not even fetched.
 */
public final class WebhookProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookProcessor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> LIFECYCLE_TOPICS = Set.of("app/uninstalled", "bulk_operations/finish");
    private static final Set<String> COMPLIANCE_TOPICS = Set.of("shop/redact", "customers/redact", "customers/data_request");

    /** How long a failed delivery waits before its next attempt: {@code base × 2^(attempt-1)}, at most {@code max}. */
    public record Backoff(Duration base, Duration max) {
        public Backoff {
            if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
                throw new IllegalArgumentException("retry backoff needs 0 < base <= max, got base " + base + ", max " + max);
            }
        }

        /** The delay after the {@code attempt}-th failure, less up to half of it at random so retries spread out. */
        Duration after(int attempt, RandomGenerator random) {
            long delay = base.toMillis();
            for (int i = 1; i < attempt && delay < max.toMillis(); i++) {
                delay *= 2;
            }
            delay = Math.min(delay, max.toMillis());
            return Duration.ofMillis(delay - random.nextLong(delay / 2 + 1));
        }
    }

    private final Jdbc jdbc;
    private final Catalog catalog;
    private final Accounts accounts;
    private final Pager pager;
    private final ResourceWriter writer;
    private final Clock clock;
    private final int maxAttempts;
    private final Backoff backoff;
    private final RandomGenerator random;
    private AccessScopes scopes;
    /** Pauses a resource whose re-read the store refuses (ACCESS_DENIED), as import and poll do. */
    private ShopHealth health; // replaced once at wiring by setDeadLetters

    public WebhookProcessor(Jdbc jdbc, Catalog catalog, Accounts accounts, Pager pager, ResourceWriter writer, Clock clock,
                            int maxAttempts, Backoff backoff, RandomGenerator random) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.accounts = accounts;
        this.pager = pager;
        this.writer = writer;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.random = random;
        this.health = new ShopHealth(jdbc, new DeadLetters(jdbc, clock), clock);
    }

    /** Where the shop-health failures' letters go: the process's DeadLetters, which records through direct:dead-letter. */
    public void setDeadLetters(DeadLetters letters) {
        this.health = new ShopHealth(jdbc, letters, clock);
    }

    /** With the shops' access scopes known, an object the store hides for its age is not taken for deleted. */
    public void setAccessScopes(AccessScopes scopes) {
        this.scopes = scopes;
    }

    /** The time of a tick or a shop's run: every mark and backoff of that run is computed from it. */
    public OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** Claims older than this ({@code timeoutMs}, webhook.process.claim.timeout.ms, before {@code now}) are taken back whoever holds them. */
    public OffsetDateTime claimTimedOutBefore(OffsetDateTime now, long timeoutMs) {
        return now.minus(Duration.ofMillis(timeoutMs));
    }

    /**
     * The claimed rows, in claim order, as batches: each delete, lifecycle, compliance or poison delivery alone, then the
     * upserts of each resource together (so their objects are re-read in a few queries). A delivery that cannot be
     * applied as it is (no numeric id, a body naming another type or shop, an unknown topic) is a poison batch.
     */
    public List<WebhookBatch> batches(@ExchangeProperty("shop") String shop, @Body List<Map<String, Object>> claimed) {
        List<WebhookBatch> out = new ArrayList<>();
        Map<Resource, List<WebhookDelivery>> upserts = new LinkedHashMap<>();
        for (Map<String, Object> row : claimed) {
            WebhookDelivery d = WebhookDelivery.fromClaimedRow(row);
            try {
                Optional<Resource> upsertOf = resourceFor(d.topic(), true);
                Optional<Resource> deleteOf = resourceFor(d.topic(), false);
                if (upsertOf.isPresent()) {
                    requireObjectId(d);
                    requireFittingGid(d, upsertOf.get());
                    upserts.computeIfAbsent(upsertOf.get(), r -> new ArrayList<>()).add(d);
                } else if (deleteOf.isPresent()) {
                    requireObjectId(d);
                    requireFittingGid(d, deleteOf.get());
                    out.add(new WebhookBatch(WebhookBatch.TOMBSTONE, deleteOf.get().name(), List.of(d), null));
                } else if (LIFECYCLE_TOPICS.contains(d.topic()) || COMPLIANCE_TOPICS.contains(d.topic())) {
                    ShopTopicShapes.requireFits(d.topic(), shop, parse(d));
                    out.add(new WebhookBatch(LIFECYCLE_TOPICS.contains(d.topic()) ? WebhookBatch.LIFECYCLE : WebhookBatch.COMPLIANCE,
                            null, List.of(d), null));
                } else {
                    throw new PoisonDelivery("no handler for topic " + d.topic());
                }
            } catch (PoisonDelivery e) {
                out.add(new WebhookBatch(WebhookBatch.POISON, resourceName(d.topic()), List.of(d), e.getMessage()));
            }
        }
        upserts.forEach((r, deliveries) -> out.add(new WebhookBatch(WebhookBatch.REREAD, r.name(), deliveries, null)));
        return out;
    }

    /**
     * The objects of an upsert batch worth re-reading: not those whose stored row is already as new as the delivery
     * says (a retry, a reordered older event), and none while the shop is not installed (its token no longer works; a
     * reinstall polls from the kept high-water mark).
     */
    public List<Long> idsToReread(@ExchangeProperty("shop") String shop, @Body WebhookBatch batch) {
        Resource r = catalog.resource(batch.getResource());
        Set<Long> toFetch = new java.util.LinkedHashSet<>();
        for (WebhookDelivery d : batch.getDeliveries()) {
            if (!isStale(shop, r, d)) {
                toFetch.add(d.objectId());
            }
        }
        if (toFetch.isEmpty()) {
            return List.of();
        }
        ShopCredentials creds = accounts.credentials(shop)
                .orElseThrow(() -> new IllegalStateException("shop " + shop + " is not registered"));
        if (!"INSTALLED".equals(creds.status())) {
            LOG.info("{}: {} {} deliveries not re-read: the shop is {}", shop, toFetch.size(), r.name(), creds.status());
            return List.of();
        }
        return new ArrayList<>(toFetch);
    }

    /** The resource and every other catalog resource read from the same connection (orders → order transactions). */
    public List<String> refreshedBy(@ExchangeProperty("resource") String resource) {
        return refreshedBy(catalog.resource(resource)).stream().map(Resource::name).toList();
    }

    /** Whether import and poll paused this resource of the shop (the store refused it): its re-read waits for the resume. */
    public boolean isPaused(@ExchangeProperty("shop") String shop, @Body String resource) {
        return health.pausedResources(shop).contains(resource);
    }

    /** The objects to re-read in batches of as many as one {@code nodes(ids:)} query affords for the resource (the body). */
    public List<List<Long>> idBatches(@Body String resource, @ExchangeProperty("rereadIds") List<Long> ids) {
        int size = idsPerQuery(catalog.resource(resource));
        List<List<Long>> out = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += size) {
            out.add(List.copyOf(ids.subList(from, Math.min(ids.size(), from + size))));
        }
        return out;
    }

    /** The {@code nodes(ids:)} call of one batch (the body): direct:shopify-graphql's GraphqlRequest. */
    public GraphqlRequest nodesRequest(@ExchangeProperty("resource") String resource, @Body List<Long> ids) {
        Resource r = catalog.resource(resource);
        return Pager.nodesRequest(r, ids.stream().map(id -> Gid.of(r.type(), id)).toList());
    }

    /** The answer as a page of rows (an object Shopify no longer has is absent from it). */
    public Pager.Page nodes(@ExchangeProperty("shop") String shop, @ExchangeProperty("resource") String resource,
                            @Body JsonNode data) {
        ShopCredentials creds = accounts.credentials(shop)
                .orElseThrow(() -> new IllegalStateException("shop " + shop + " is not registered"));
        return pager.nodes(creds, catalog.resource(resource), data);
    }

    /** The batch's objects Shopify answered null for, and would show if they existed, are tombstoned (deleted since the event). */
    public void tombstoneGone(@ExchangeProperty("shop") String shop, @ExchangeProperty("resource") String resource,
                              @ExchangeProperty("rereadBatch") List<Long> batch, @Body Pager.Page page) {
        Resource r = catalog.resource(resource);
        if (r.storesRoots()) {
            List<Long> gone = new ArrayList<>(batch);
            gone.removeAll(page.rootIds());
            writer.tombstone(shop, r.table(), visiblyGone(shop, r, gone), now());
        }
    }

    /** Pauses a resource whose re-read the store refuses (ACCESS_DENIED), as import and poll do. */
    public void pause(@ExchangeProperty("shop") String shop, @ExchangeProperty("resource") String resource,
                      @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception denied) {
        health.pause(shop, resource, denied.getMessage(), "webhook-process");
    }

    /** Whether an app/uninstalled happened before the shop's current install (a late retry of an older uninstall). */
    public boolean uninstallPrecedesInstall(@Body WebhookBatch batch, @ExchangeProperty("installedAt") Object installedAt) {
        // the row's installed_at as the driver gives it; anything else (no row) means no install to compare with
        OffsetDateTime installed = installedAt instanceof OffsetDateTime t ? t
                : installedAt instanceof java.sql.Timestamp t ? t.toInstant().atOffset(ZoneOffset.UTC) : null;
        OffsetDateTime triggered = batch.getDeliveries().get(0).triggeredAt();
        return triggered != null && installed != null && triggered.isBefore(installed);
    }

    /** customers/redact: the customer's row and the listed orders with their children, in one transaction. */
    public void redactCustomer(@ExchangeProperty("shop") String shop, @Body WebhookBatch batch) {
        JsonNode body = parse(batch.getDeliveries().get(0));
        redactCustomer(shop, body);
    }

    /** customers/data_request: the parameters of sql/insert-data-request.sql, the export of what we hold about the customer. */
    public Map<String, Object> customerExport(@ExchangeProperty("shop") String shop, @Body WebhookBatch batch) {
        return exportCustomer(shop, parse(batch.getDeliveries().get(0)));
    }

    /**
     * The verdict on each delivery of a failed batch, as the parameters of sql/mark-inbox-failed.sql: poison, a query
     * the store rejects, or the last attempt: {@code DEAD} (and dead-lettered); otherwise back to {@code NEW}, due after
     * its backoff ({@code base × 2^(attempt-1)}, capped, jittered).
     */
    public List<Map<String, Object>> failures(@ExchangeProperty("shop") String shop, @Body WebhookBatch batch,
                                              @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        boolean poison = e instanceof PoisonDelivery
                || e instanceof ShopifyApiException api && api.kind() == ShopifyApiException.Kind.QUERY_REJECTED;
        List<Map<String, Object>> out = new ArrayList<>();
        for (WebhookDelivery d : batch.getDeliveries()) {
            String reason = truncate(d.topic() + ": " + e.getMessage());
            Map<String, Object> row = new java.util.HashMap<>();
            row.put("id", d.id());
            row.put("reason", reason);
            row.put("resource", batch.getResource());
            row.put("payload", d.body());
            row.put("attempts", d.attempts());
            if (poison || d.attempts() >= maxAttempts) {
                row.put("status", "DEAD");
                row.put("nextAttemptAt", null);
                row.put("retryInSeconds", null);
            } else {
                Duration wait = backoff.after(d.attempts(), random);
                row.put("status", "NEW");
                row.put("nextAttemptAt", now().plus(wait));
                row.put("retryInSeconds", wait.toMillis() / 1000.0);
            }
            out.add(row);
        }
        return out;
    }

    private String resourceName(String topic) {
        return resourceFor(topic, true).or(() -> resourceFor(topic, false)).map(Resource::name).orElse(null);
    }

    /** The topic's resource and every other catalog resource read from the same connection (orders → transactions). */
    private List<Resource> refreshedBy(Resource r) {
        List<Resource> out = new ArrayList<>(List.of(r));
        catalog.resources().stream().filter(o -> o != r && o.connection().equals(r.connection())).forEach(out::add);
        return out;
    }

    private Optional<Resource> resourceFor(String topic, boolean upsert) {
        return catalog.resources().stream().filter(Resource::storesRoots)
                .filter(r -> (upsert ? r.upsertTopics() : r.deleteTopics()).contains(topic)).findFirst();
    }

    private static void requireObjectId(WebhookDelivery d) {
        if (d.objectId() == null) {
            throw new PoisonDelivery("a " + d.topic() + " delivery without a numeric id (malformed body?)");
        }
    }

    /**
     * The HMAC covers the body only, not the topic header: a signed body re-sent under another topic must not act on
     * another kind of object. A body's {@code admin_graphql_api_id} must name the topic's type and the same id; delete
     * payloads of orders and products carry only {@code id} (see the fixtures), so the gid is checked when present.
     */
    private static void requireFittingGid(WebhookDelivery d, Resource r) {
        String gid = topLevelText(d.body(), "admin_graphql_api_id");
        if (gid == null) {
            return;
        }
        String type;
        long id;
        try {
            type = Gid.type(gid);
            id = Gid.numericId(gid);
        } catch (IllegalArgumentException e) {
            throw new PoisonDelivery(d.topic() + " body has admin_graphql_api_id " + abbreviate(gid) + ", not a Shopify gid");
        }
        if (!type.equals(r.type())) {
            throw new PoisonDelivery(d.topic() + " body names " + abbreviate(gid) + " (admin_graphql_api_id), not a " + r.type());
        }
        if (id != d.objectId()) {
            throw new PoisonDelivery(d.topic() + " body has id " + d.objectId() + " but admin_graphql_api_id " + abbreviate(gid));
        }
    }

    /** A top-level string field of a JSON object, read by streaming (no tree of a whole order); null when absent. */
    private static String topLevelText(String body, String field) {
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals(name)) {
                    return value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (java.io.IOException e) {
            return null; // an id was read from it at intake, so it is JSON as far as that; a broken rest changes nothing here
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 79) + "…";
    }

    /**
     * Of the objects the store answered null for, those it would show if they existed: without the history scope
     * (read_all_orders) Shopify answers null for any order older than its window, so only rows created inside it
     * (with a margin) are taken for deleted; the others are kept as they are.
     */
    private List<Long> visiblyGone(String shop, Resource r, List<Long> gone) {
        if (scopes == null || gone.isEmpty()) {
            return gone;
        }
        Optional<OffsetDateTime> visibleFrom = scopes.judgedVisibleFrom(shop, r, now());
        if (visibleFrom.isEmpty()) {
            return gone;
        }
        String sql = jdbc.sql().get("select-created-at").replace("${table}", r.table())
                .replace("${createdColumn}", r.historyLimit().createdColumn());
        List<Long> out = new ArrayList<>();
        for (long id : gone) {
            List<OffsetDateTime> created = jdbc.queryRaw(sql, rs -> rs.getObject(1, OffsetDateTime.class), shop, id);
            if (!created.isEmpty() && created.get(0) != null && !created.get(0).isBefore(visibleFrom.get())) {
                out.add(id);
            }
        }
        if (out.size() < gone.size()) {
            LOG.info("{} {}: {} objects not shown by the store kept, not tombstoned: created before {} (history limited)",
                    shop, r.name(), gone.size() - out.size(), visibleFrom.get());
        }
        return out;
    }

    /** Whether the stored row is already as new as the delivery says (a retry or a reordered older event). */
    private boolean isStale(String shop, Resource r, WebhookDelivery d) {
        if (d.objectUpdatedAt() == null) {
            return false;
        }
        String sql = jdbc.sql().get("select-updated-at").replace("${table}", r.table());
        List<OffsetDateTime> stored = jdbc.queryRaw(sql, rs -> rs.getObject(1, OffsetDateTime.class), shop, d.objectId());
        return !stored.isEmpty() && stored.get(0) != null && !stored.get(0).isBefore(d.objectUpdatedAt());
    }

    private int idsPerQuery(Resource r) {
        int perNode = QueryCost.estimate("{ node(id: \"x\") { ... on " + r.type() + " { " + Pager.nodeSelection(r) + " } } }",
                Map.of());
        return Math.max(1, Math.min(100, 800 / Math.max(1, perNode)));
    }

    private void redactCustomer(String shop, JsonNode body) {
        long customer = body.path("customer").path("id").asLong(-1);
        if (customer < 0) {
            throw new PoisonDelivery("customers/redact without customer.id");
        }
        jdbc.inTransaction(c -> {
            jdbc.update(c, "delete-customer-row", shop, customer);
            for (JsonNode order : body.path("orders_to_redact")) {
                for (String child : orderChildTables()) {
                    try (PreparedStatement ps = c.prepareStatement(jdbc.sql().get("delete-order-children").replace("${table}", child))) {
                        ps.setString(1, shop);
                        ps.setLong(2, order.asLong());
                        ps.executeUpdate();
                    }
                }
                jdbc.update(c, "delete-order-row", shop, order.asLong());
            }
            return null;
        });
        LOG.info("{}: customers/redact: customer {} and {} orders deleted", shop, customer, body.path("orders_to_redact").size());
    }

    private Map<String, Object> exportCustomer(String shop, JsonNode body) {
        long customer = body.path("customer").path("id").asLong(-1);
        if (customer < 0) {
            throw new PoisonDelivery("customers/data_request without customer.id");
        }
        ObjectNode export = JSON.createObjectNode();
        export.put("shop", shop);
        export.put("customerId", customer);
        jdbc.query("select-customer-export", rs -> rs.getString(1), shop, customer).stream().findFirst()
                .ifPresent(d -> export.set("customer", read(d)));
        ArrayNode orders = export.putArray("orders");
        jdbc.query("select-customer-orders-export", rs -> rs.getString(1), shop, customer).forEach(d -> orders.add(read(d)));
        long request = body.path("data_request").path("id").asLong(-1);
        Map<String, Object> params = new java.util.HashMap<>();
        params.put("customerId", customer);
        params.put("dataRequestId", request < 0 ? null : request);
        params.put("export", export.toString());
        return params;
    }

    private List<String> orderChildTables() {
        List<String> out = new ArrayList<>();
        for (Resource r : catalog.resources()) {
            if (catalog.parentTableOf(r).equals("orders")) {
                r.children().stream().map(Child::table).forEach(out::add);
            }
        }
        return out;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }

    private static JsonNode parse(WebhookDelivery d) {
        try {
            JsonNode n = JSON.readTree(d.body());
            if (n == null || !n.isObject()) {
                throw new PoisonDelivery("body is not a JSON object");
            }
            return n;
        } catch (PoisonDelivery e) {
            throw e;
        } catch (Exception e) {
            throw new PoisonDelivery("malformed JSON body");
        }
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 999) + "…";
    }
}
