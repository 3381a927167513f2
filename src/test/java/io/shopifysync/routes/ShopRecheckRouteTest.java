package io.shopifysync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.shopify.ShopifyApiException;
import io.shopifysync.sync.ShopRecheck;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * routes/shop-recheck.yaml on each database: the due shops come from sql:, Shopify's answer is played by the test in
 * place of the one-point question, and the choice writes what each answer means through sql: (the dead letter through
 * routes/dead-letter.yaml).
 */
class ShopRecheckRouteTest {

    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final String ROUTE = "shop-unavailable-recheck";

    @BothDatabases
    void eachAnswerIsWrittenAsTheChoiceSays(Dialect dialect) throws Exception {
        Map<String, Supplier<String>> answers = new ConcurrentHashMap<>();
        answers.put("frozen.myshopify.com", () -> ShopRecheck.RESUMED);
        answers.put("locked.myshopify.com", () -> {
            throw new ShopifyApiException(ShopifyApiException.Kind.SHOP_UNAVAILABLE, 402, "HTTP 402 Payment Required");
        });
        answers.put("paused.myshopify.com", () -> {
            throw new ShopifyApiException(ShopifyApiException.Kind.AUTH_FAILED, 401, "HTTP 401");
        });
        answers.put("flaky.myshopify.com", () -> {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 503, "HTTP 503");
        });
        answers.put("later.myshopify.com", () -> {
            throw new AssertionError("not due: never asked");
        });
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open();
             RouteHarness h = RouteHarness.of("shop-recheck.yaml", "dead-letter.yaml")
                     .property("db.dialect", dialect.name().toLowerCase())
                     .property("shop.unavailable.recheck.tick.ms", 1000)
                     .bind("dataSource", db.dataSource())
                     .bind("shopRecheck", new ShopRecheck(null, null, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5)))
                     .tickedByHand(ROUTE)
                     .advise(ROUTE, a -> {
                         a.weaveById("ask-the-shop").replace().process(e -> {
                             String shop = e.getProperty("shop", String.class);
                             e.setProperty("outcome", answers.get(shop).get());
                         });
                     })) {
            insertShop(db, "frozen.myshopify.com", "FROZEN", null);
            insertShop(db, "locked.myshopify.com", "LOCKED", null);
            insertShop(db, "paused.myshopify.com", "PAUSED", NOW.minusSeconds(1));
            insertShop(db, "flaky.myshopify.com", "FROZEN", null);
            insertShop(db, "later.myshopify.com", "PAUSED", NOW.plusSeconds(60));
            insertShop(db, "gone.myshopify.com", "AUTH_FAILED", null);
            execute(db, "INSERT INTO shopify.sync_state (shop_domain, resource, phase, attempts, last_error, next_attempt_at, updated_at)"
                    + " VALUES ('frozen.myshopify.com', 'orders', 'INCREMENTAL', 4, 'HTTP 402', ?, ?)", at(NOW.plusSeconds(600)), at(NOW));
            h.start();

            h.tick(ROUTE);

            OffsetDateTime next = at(NOW.plus(Duration.ofMinutes(5)));
            assertThat(shop(db, "frozen.myshopify.com")).as("resumed").containsExactly("INSTALLED", null, null);
            assertThat(row(db, "SELECT attempts, last_error, next_attempt_at FROM shopify.sync_state WHERE shop_domain = ?",
                    "frozen.myshopify.com")).as("the outage's backoff is gone").containsExactly(0, null, null);
            assertThat(shop(db, "locked.myshopify.com")).as("still unavailable, now frozen")
                    .containsExactly("FROZEN", "a reason", next);
            assertThat(shop(db, "paused.myshopify.com").subList(0, 1)).containsExactly("AUTH_FAILED");
            assertThat(shop(db, "paused.myshopify.com").get(2)).as("only an operator brings it back").isNull();
            assertThat(shop(db, "flaky.myshopify.com")).as("no answer: asked again later, status kept")
                    .containsExactly("FROZEN", null, next);
            assertThat(shop(db, "later.myshopify.com").get(0)).isEqualTo("PAUSED");
            assertThat(shop(db, "gone.myshopify.com").get(0)).isEqualTo("AUTH_FAILED");
            assertThat(row(db, "SELECT COUNT(*), MIN(shop_domain), MIN(source), MIN(payload) FROM shopify.dead_letters"))
                    .as("one letter, through the dead-letter route, for the shop whose token went").containsExactly(1,
                            "paused.myshopify.com", "shop-recheck", null);
        }
    }

    static OffsetDateTime at(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    static void insertShop(Database db, String shop, String status, Instant nextCheck) throws Exception {
        execute(db, "INSERT INTO shopify.shops (shop_domain, api_url, access_token_enc, token_key_id, status, installed_at, created_at,"
                + " updated_at, next_check_at) VALUES (?, 'https://x', 'x', 'k', ?, ?, ?, ?, ?)", shop, status, at(NOW.minusSeconds(3600)),
                at(NOW.minusSeconds(3600)), at(NOW.minusSeconds(3600)), nextCheck == null ? null : at(nextCheck));
    }

    /** status, whether it has a status_reason (the classified failure), and next_check_at. */
    static List<Object> shop(Database db, String shop) throws Exception {
        List<Object> r = row(db, "SELECT status, status_reason, next_check_at FROM shopify.shops WHERE shop_domain = ?", shop);
        String reason = (String) r.get(1);
        return java.util.Arrays.asList(r.get(0), reason == null ? null : "a reason",
                r.get(2) == null ? null : ((OffsetDateTime) r.get(2)).withOffsetSameInstant(ZoneOffset.UTC));
    }

    static List<Object> row(Database db, String sql, Object... params) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                java.util.List<Object> out = new java.util.ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    if (v != null && rs.getMetaData().getColumnType(i) == java.sql.Types.TIMESTAMP_WITH_TIMEZONE
                            || v instanceof java.sql.Timestamp) {
                        v = rs.getObject(i, OffsetDateTime.class);
                    }
                    out.add(v instanceof Long l ? Integer.valueOf(l.intValue()) : v);
                }
                return out;
            }
        }
    }

    static void execute(Database db, String sql, Object... params) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
