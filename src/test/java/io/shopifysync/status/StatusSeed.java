package io.shopifysync.status;

import io.shopifysync.db.Database;
import io.shopifysync.testing.SyncHarness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** A database in a known state for the status report's tests (the report and the {@code status} command). */
public final class StatusSeed {

    public static final Instant NOW = Instant.parse("2026-03-01T10:00:30Z");

    private StatusSeed() {
    }

    /** a-shop: orders INCREMENTAL (2 live rows, one tombstone), products importing with an error; b-shop: auth failed. */
    public static void seed(SyncHarness h) throws Exception {
        h.register("a-shop.myshopify.com", "shpat_report_test_a", "http://127.0.0.1:1/shops/a-shop.myshopify.com");
        h.register("b-shop.myshopify.com", "shpat_report_test_b", "http://127.0.0.1:1/shops/b-shop.myshopify.com");
        h.execute("UPDATE shopify.shops SET status = 'AUTH_FAILED', status_reason = '401 from the store' "
                + "WHERE shop_domain = 'b-shop.myshopify.com'");
        Database db = h.db();
        try (Connection c = db.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO shopify.sync_state (shop_domain, resource, phase, "
                    + "high_water_mark, rows_done, rows_total, last_success_at, last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                OffsetDateTime now = NOW.atOffset(ZoneOffset.UTC);
                row(ps, "orders", "INCREMENTAL", now.minusSeconds(90), 7, null, now.minusSeconds(10), null);
                row(ps, "products", "BACKFILL", null, 12, 40L, null, "HTTP 503 from the store");
            }
            for (Object[] o : new Object[][] {{"a-shop.myshopify.com", 1L, false}, {"a-shop.myshopify.com", 2L, false},
                    {"a-shop.myshopify.com", 3L, true}, {"b-shop.myshopify.com", 4L, false}}) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO shopify.orders (shop_domain, id, updated_at, deleted_at, "
                        + "synced_at, data) VALUES (?, ?, ?, ?, ?, " + db.dialect().jsonParameter() + ")")) {
                    OffsetDateTime t = NOW.atOffset(ZoneOffset.UTC).minusHours(1);
                    ps.setString(1, (String) o[0]);
                    ps.setLong(2, (Long) o[1]);
                    ps.setObject(3, t);
                    ps.setObject(4, (Boolean) o[2] ? t : null);
                    ps.setObject(5, t);
                    ps.setString(6, "{}");
                    ps.executeUpdate();
                }
            }
        }
    }

    private static void row(PreparedStatement ps, String resource, String phase, OffsetDateTime hwm, long done, Long total,
                            OffsetDateTime success, String error) throws Exception {
        ps.setString(1, "a-shop.myshopify.com");
        ps.setString(2, resource);
        ps.setString(3, phase);
        ps.setObject(4, hwm);
        ps.setLong(5, done);
        ps.setObject(6, total);
        ps.setObject(7, success);
        ps.setString(8, error);
        ps.setObject(9, NOW.atOffset(ZoneOffset.UTC));
        ps.executeUpdate();
    }
}
