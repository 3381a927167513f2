package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.db.Jdbc;
import io.shopifysync.sync.ResourceWriter;
import io.shopifysync.sync.SyncStateStore;
import io.shopifysync.sync.Upserts;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.io.TempDir;

/**
 * Template webhook-tombstone-resource of routes/webhooks.yaml on each database, instantiated per resource by
 * CatalogRoutes with its table and child tables: the deleted objects and their child rows tombstoned by sql: steps,
 * nothing else touched, and the caller's next sql: step (mark-inbox-done) unaffected.
 * Run: {@code mvn -B -q -o test -Dtest=WebhookTombstoneRouteTest}.
 */
class WebhookTombstoneRouteTest {

    private static final String SHOP = "tombstones.myshopify.com";
    private static final OffsetDateTime NOW = OffsetDateTime.parse("2026-12-06T07:00:00Z");

    @TempDir
    Path dataDir;

    private static void insert(Connection c, String sql, Object... values) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    private static void root(Connection c, String table, long id) throws Exception {
        insert(c, "INSERT INTO shopify." + table + " (shop_domain, id, updated_at, synced_at, data) VALUES (?, ?, ?, ?, '{}')",
                SHOP, id, NOW.minusDays(1), NOW.minusDays(1));
    }

    private static void child(Connection c, String table, String parentColumn, long id, long parent) throws Exception {
        insert(c, "INSERT INTO shopify." + table + " (shop_domain, id, " + parentColumn + ", synced_at, data) VALUES (?, ?, ?, ?, '{}')",
                SHOP, id, parent, NOW.minusDays(1));
    }

    /** The ids of {@code table} with a tombstone at {@link #NOW}; any other tombstone fails the test. */
    private static List<Long> tombstoned(Jdbc jdbc, String table) {
        return jdbc.queryRaw("SELECT id, deleted_at FROM shopify." + table + " WHERE deleted_at IS NOT NULL ORDER BY id", rs -> {
            assertThat(rs.getObject(2, OffsetDateTime.class).toInstant()).isEqualTo(NOW.toInstant());
            return rs.getLong(1);
        });
    }

    private static WebhookBatch deleteBatch(String resource, long... objectIds) {
        List<WebhookDelivery> deliveries = new java.util.ArrayList<>();
        for (long id : objectIds) {
            deliveries.add(new WebhookDelivery(id, resource + "/delete", id, null, "{\"id\":" + id + "}", 1, null));
        }
        return new WebhookBatch(WebhookBatch.TOMBSTONE, resource, deliveries, null);
    }

    @BothDatabases
    void aDeletedObjectAndItsChildRowsAreTombstonedAndNothingElse(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open(); CamelContext camel = new DefaultCamelContext()) {
            Jdbc jdbc = new Jdbc(db);
            Accounts accounts = new Accounts(db, TokenCipher.forConfig(tdb.config(dataDir, Map.of())));
            accounts.add(SHOP, "shpat_tombstones", "http://127.0.0.1:9", true);
            Catalog catalog = Catalog.load();
            Clock clock = Clock.fixed(NOW.toInstant(), ZoneOffset.UTC);
            // the application's writer: what tombstoned before the template did it with sql: steps
            ResourceWriter writer = new ResourceWriter(jdbc, new Upserts(catalog, db.dialect()), new SyncStateStore(jdbc, clock));
            WebhookProcessor processor = new WebhookProcessor(jdbc, catalog, accounts, null, writer, clock, 4,
                    new WebhookProcessor.Backoff(Duration.ofSeconds(10), Duration.ofSeconds(25)), new Random(7));
            try (WebhookProcessRoutes routes = new WebhookProcessRoutes(camel, db, processor, catalog, clock, Map.of())) {
                camel.start();
                try (Connection c = db.dataSource().getConnection()) {
                    for (long order : new long[] {1, 2, 3}) {
                        root(c, "orders", order);
                    }
                    child(c, "order_line_items", "order_id", 10, 1);
                    child(c, "order_line_items", "order_id", 11, 1);
                    child(c, "order_line_items", "order_id", 20, 2);
                    child(c, "order_line_items", "order_id", 30, 3);
                    root(c, "products", 5);
                    child(c, "product_variants", "product_id", 50, 5);
                    root(c, "customers", 7);
                    root(c, "customers", 8);
                }

                // two deleted orders in one batch: both with their line items; order 2 and its item stay
                Exchange done = camel.createProducerTemplate().request("direct:webhook-tombstone-orders", e -> {
                    e.setProperty("shop", SHOP);
                    e.getMessage().setBody(deleteBatch("orders", 1, 3));
                });
                assertThat(done.getException()).isNull();
                assertThat(tombstoned(jdbc, "orders")).containsExactly(1L, 3L);
                assertThat(tombstoned(jdbc, "order_line_items")).containsExactly(10L, 11L, 30L);
                assertThat(done.getMessage().getHeaders()).as("no statement left for the caller's next sql: step")
                        .doesNotContainKeys("CamelSqlQuery", "shop", "deletedAt");

                // a resource without children; another shop's row of the same id is not this shop's
                try (Connection c = db.dataSource().getConnection()) {
                    insert(c, "INSERT INTO shopify.customers (shop_domain, id, updated_at, synced_at, data) VALUES (?, 8, ?, ?, '{}')",
                            "other.myshopify.com", NOW, NOW);
                }
                camel.createProducerTemplate().request("direct:webhook-tombstone-customers", e -> {
                    e.setProperty("shop", SHOP);
                    e.getMessage().setBody(deleteBatch("customers", 8));
                });
                assertThat(tombstoned(jdbc, "customers")).containsExactly(8L);
                assertThat(jdbc.queryRaw("SELECT shop_domain FROM shopify.customers WHERE deleted_at IS NOT NULL",
                        rs -> rs.getString(1))).containsExactly(SHOP);
                assertThat(tombstoned(jdbc, "products")).isEmpty();
                assertThat(tombstoned(jdbc, "product_variants")).isEmpty();

                // through webhook-process: a products/delete in the inbox tombstones the product and its variant, then
                // the delivery is DONE (mark-inbox-done ran its own statement, not the tombstone's)
                try (Connection c = db.dataSource().getConnection()) {
                    insert(c, "INSERT INTO shopify.webhook_inbox (event_key, topic, shop_domain, object_id, headers, body, "
                            + "received_at, status) VALUES ('ev-5', 'products/delete', ?, 5, '{}', '{\"id\":5}', ?, 'NEW')", SHOP,
                            NOW.minusMinutes(1));
                }
                routes.tick();
                assertThat(tombstoned(jdbc, "products")).containsExactly(5L);
                assertThat(tombstoned(jdbc, "product_variants")).containsExactly(50L);
                assertThat(jdbc.queryRaw("SELECT status FROM shopify.webhook_inbox", rs -> rs.getString(1))).containsExactly("DONE");
            }
        }
    }
}
