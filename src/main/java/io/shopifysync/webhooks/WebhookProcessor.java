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
import io.shopifysync.lifecycle.ShopData;
import io.shopifysync.shopify.QueryCost;
import io.shopifysync.shopify.AccessDeniedException;
import io.shopifysync.shopify.ShopifyApiException;
import io.shopifysync.sync.DeadLetters;
import io.shopifysync.sync.ShopHealth;
import io.shopifysync.sync.Pager;
import io.shopifysync.sync.ResourceWriter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Applies stored deliveries, shop by shop. A resource topic is a signal: the object is read again from
 * the store (in batches with {@code nodes(ids:)}) and written with the same newer-wins upserts as poll
 * and import, so neither a stale retry nor a reordered delivery can overwrite newer data; a payload
 * older than the stored row is not even fetched. Delete topics tombstone. Compliance and lifecycle
 * topics act on the shop's data. Failures retry, then go to {@code dead_letters}.
 */
public final class WebhookProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookProcessor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(2);

    /** One claimed inbox row; {@code attempts} counts this attempt. */
    record Delivery(long id, String topic, Long objectId, OffsetDateTime objectUpdatedAt, String body, int attempts,
                    OffsetDateTime triggeredAt) {
    }

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
    private final ShopData shopData;
    private final Catalog catalog;
    private final Accounts accounts;
    private final Pager pager;
    private final ResourceWriter writer;
    private final Clock clock;
    private final int batch;
    private final int maxAttempts;
    private final Backoff backoff;
    private final RandomGenerator random;
    private AccessScopes scopes;
    /** Pauses a resource whose re-read the store refuses (ACCESS_DENIED), as import and poll do. */
    private ShopHealth health; // replaced once at wiring by setDeadLetters

    public WebhookProcessor(Jdbc jdbc, ShopData shopData, Catalog catalog, Accounts accounts, Pager pager, ResourceWriter writer, Clock clock,
                            int batch, int maxAttempts, Backoff backoff, RandomGenerator random) {
        this.jdbc = jdbc;
        this.shopData = shopData;
        this.catalog = catalog;
        this.accounts = accounts;
        this.pager = pager;
        this.writer = writer;
        this.clock = clock;
        this.batch = batch;
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

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    public List<String> shopsWithWork() {
        OffsetDateTime now = now();
        return jdbc.query("select-inbox-shops", rs -> rs.getString(1), now, now.minus(CLAIM_TIMEOUT));
    }

    /** Claims up to {@code batch} of the shop's deliveries (rows other instances hold are skipped) and applies them. */
    public void processShop(@Body String shop) {
        if (jdbc.queryOne("select-shop-status", rs -> rs.getString(1), shop).isEmpty()) {
            // removed or redacted while a delivery was in flight: nothing of the shop may stay behind
            int dropped = jdbc.update("delete-shop-inbox", shop);
            LOG.info("{}: {} stored deliveries dropped: the shop is no longer registered", shop, dropped);
            return;
        }
        List<Delivery> claimed = claim(shop);
        if (claimed.isEmpty()) {
            return;
        }
        Map<Resource, List<Delivery>> upserts = new LinkedHashMap<>();
        for (Delivery d : claimed) {
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
                    writer.tombstone(shop, deleteOf.get().table(), List.of(d.objectId()), now());
                    done(d);
                } else {
                    applyShopTopic(shop, d);
                    done(d);
                }
            } catch (RuntimeException e) {
                failed(shop, d, e);
            }
        }
        upserts.forEach((r, deliveries) -> applyUpserts(shop, r, deliveries));
    }

    /** The topic's resource and every other catalog resource read from the same connection (orders → transactions). */
    private List<Resource> refreshedBy(Resource r) {
        List<Resource> out = new ArrayList<>(List.of(r));
        catalog.resources().stream().filter(o -> o != r && o.connection().equals(r.connection())).forEach(out::add);
        return out;
    }

    private List<Delivery> claim(String shop) {
        return jdbc.inTransaction(c -> {
            List<Delivery> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(jdbc.sql().get("claim-inbox"))) {
                OffsetDateTime due = now();
                ps.setString(1, shop);
                ps.setObject(2, due);
                ps.setObject(3, due.minus(CLAIM_TIMEOUT));
                ps.setInt(4, batch);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long objectId = rs.getLong(3);
                        Long obj = rs.wasNull() ? null : objectId;
                        out.add(new Delivery(rs.getLong(1), rs.getString(2), obj, rs.getObject(4, OffsetDateTime.class),
                                // this claim is attempt attempts + 1 (mark-inbox-claimed counts it below)
                                rs.getString(5), rs.getInt(6) + 1, rs.getObject(7, OffsetDateTime.class)));
                    }
                }
            }
            OffsetDateTime now = now();
            for (Delivery d : out) {
                jdbc.update(c, "mark-inbox-claimed", now, d.id());
            }
            return out;
        });
    }

    private Optional<Resource> resourceFor(String topic, boolean upsert) {
        return catalog.resources().stream().filter(Resource::storesRoots)
                .filter(r -> (upsert ? r.upsertTopics() : r.deleteTopics()).contains(topic)).findFirst();
    }

    private static void requireObjectId(Delivery d) {
        if (d.objectId() == null) {
            throw new PoisonDelivery("a " + d.topic() + " delivery without a numeric id (malformed body?)");
        }
    }

    /**
     * The HMAC covers the body only, not the topic header: a signed body re-sent under another topic must not act on
     * another kind of object. A body's {@code admin_graphql_api_id} must name the topic's type and the same id; delete
     * payloads of orders and products carry only {@code id} (see the fixtures), so the gid is checked when present.
     */
    private static void requireFittingGid(Delivery d, Resource r) {
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

    /** Fetches what is newer than the stored rows and writes it; objects Shopify no longer has are tombstoned. */
    private void applyUpserts(String shop, Resource r, List<Delivery> deliveries) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("resource", r.name())) {
            Set<Long> toFetch = new HashSet<>();
            for (Delivery d : deliveries) {
                if (!isStale(shop, r, d)) {
                    toFetch.add(d.objectId());
                }
            }
            ShopCredentials creds = toFetch.isEmpty() ? null : accounts.credentials(shop).orElse(null);
            if (creds != null && !"INSTALLED".equals(creds.status())) {
                // an uninstalled shop's token no longer works; a reinstall polls from the kept high-water mark
                LOG.info("{}: {} {} deliveries not re-read: the shop is {}", shop, toFetch.size(), r.name(), creds.status());
                toFetch.clear();
            }
            if (!toFetch.isEmpty()) {
                if (creds == null) {
                    throw new IllegalStateException("shop " + shop + " is not registered");
                }
                List<Long> ids = new ArrayList<>(toFetch);
                Set<String> paused = health.pausedResources(shop);
                for (Resource each : refreshedBy(r)) {
                    if (paused.contains(each.name())) {
                        // not lost: on resume the poll re-reads everything changed since the resource's high-water mark
                        LOG.info("{} {}: {} objects not re-read: the resource is paused", shop, each.name(), ids.size());
                        continue;
                    }
                    try {
                        refresh(shop, creds, each, ids);
                    } catch (AccessDeniedException denied) {
                        health.pause(shop, each.name(), denied.getMessage(), "webhook-process");
                    }
                }
            }
            deliveries.forEach(this::done);
            LOG.info("{} {}: {} webhook deliveries applied, {} objects re-read", shop, r.name(), deliveries.size(), toFetch.size());
        } catch (RuntimeException e) {
            deliveries.forEach(d -> failed(shop, d, e));
        }
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

    /** Re-reads the objects of one resource by id and writes what is newer; objects Shopify no longer has are tombstoned. */
    private void refresh(String shop, ShopCredentials creds, Resource each, List<Long> ids) {
        int size = idsPerQuery(each);
        for (int from = 0; from < ids.size(); from += size) {
            List<Long> part = ids.subList(from, Math.min(ids.size(), from + size));
            Pager.Page page = pager.byIds(creds, each, part.stream().map(id -> Gid.of(each.type(), id)).toList());
            writer.writeCurrent(shop, each, page, false);
            if (each.storesRoots()) {
                List<Long> gone = new ArrayList<>(part);
                gone.removeAll(page.rootIds());
                writer.tombstone(shop, each.table(), visiblyGone(shop, each, gone), now()); // deleted in the store since the event
            }
        }
    }

    /** Whether the stored row is already as new as the delivery says (a retry or a reordered older event). */
    private boolean isStale(String shop, Resource r, Delivery d) {
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

    private void applyShopTopic(String shop, Delivery d) {
        JsonNode body = parse(d);
        ShopTopicShapes.requireFits(d.topic(), shop, body);
        switch (d.topic()) {
            case "app/uninstalled" -> uninstalled(shop, d);
            case "shop/redact" -> redactShop(shop);
            case "customers/redact" -> redactCustomer(shop, body);
            case "customers/data_request" -> exportCustomer(shop, body);
            case "bulk_operations/finish" -> LOG.debug("{}: bulk operation finished: {}", shop, body.path("admin_graphql_api_id"));
            default -> throw new PoisonDelivery("no handler for topic " + d.topic());
        }
    }

    /** Marks the shop uninstalled, unless the uninstall happened before the shop's current install (a late retry). */
    private void uninstalled(String shop, Delivery d) {
        Optional<OffsetDateTime> installedAt = jdbc.queryOne("select-shop-installed-at", rs -> rs.getObject(1, OffsetDateTime.class), shop);
        if (d.triggeredAt() != null && installedAt.isPresent() && d.triggeredAt().isBefore(installedAt.get())) {
            LOG.info("{}: app/uninstalled of {} ignored: the shop was installed again at {}", shop, d.triggeredAt(), installedAt.get());
            return;
        }
        OffsetDateTime now = now();
        jdbc.update("mark-shop-uninstalled", now, now, now, shop);
        LOG.info("{}: app uninstalled; polling and imports stop for it", shop);
    }

    private void redactShop(String shop) {
        shopData.purge(shop, "shop/redact");
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

    private void exportCustomer(String shop, JsonNode body) {
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
        jdbc.update("insert-data-request", shop, customer, request < 0 ? null : request, export.toString(), now());
        LOG.info("{}: customers/data_request: export of customer {} written to shopify.data_requests", shop, customer);
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

    private static JsonNode parse(Delivery d) {
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

    private void done(Delivery d) {
        jdbc.update("mark-inbox-done", now(), d.id());
    }

    /** Transient failures go back to NEW, due after their backoff; poison or too many attempts: DEAD and dead-lettered. */
    private void failed(String shop, Delivery d, RuntimeException e) {
        boolean poison = e instanceof PoisonDelivery
                || e instanceof ShopifyApiException api && api.kind() == ShopifyApiException.Kind.QUERY_REJECTED;
        String reason = d.topic() + ": " + e.getMessage();
        if (poison || d.attempts() >= maxAttempts) {
            jdbc.inTransaction(c -> {
                jdbc.update(c, "mark-inbox-failed", "DEAD", truncate(reason), null, d.id());
                jdbc.update(c, "insert-webhook-dead-letter", shop, "webhook-process", resourceFor(d.topic(), true)
                        .or(() -> resourceFor(d.topic(), false)).map(Resource::name).orElse(null), truncate(reason), d.body(),
                        now(), d.id());
                return null;
            });
            LOG.warn("{}: delivery {} dead-lettered: {}", shop, d.id(), reason);
        } else {
            Duration wait = backoff.after(d.attempts(), random);
            jdbc.update("mark-inbox-failed", "NEW", truncate(reason), now().plus(wait), d.id());
            LOG.warn("{}: delivery {} failed (attempt {}), will retry in {} s: {}", shop, d.id(), d.attempts(),
                    wait.toMillis() / 1000.0, reason);
        }
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 999) + "…";
    }

    /** A delivery that will never succeed as it is. */
    static final class PoisonDelivery extends RuntimeException {
        PoisonDelivery(String message) {
            super(message);
        }
    }
}
