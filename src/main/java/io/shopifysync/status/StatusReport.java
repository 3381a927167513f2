package io.shopifysync.status;

import java.util.LinkedHashMap;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.sql.PreparedStatement;
import java.sql.Connection;
import io.shopifysync.accounts.GrantedScopes;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import io.shopifysync.db.Database;
import io.shopifysync.db.Jdbc;
import io.shopifysync.scopes.AccessScopes;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Where every shop and resource stands, built once for {@code shopify-sync status}, the status page and the sampler. */
public final class StatusReport {

    /** The whole report: one entry per shop × resource (a shop without sync state yet has one entry with no resource). */
    public record Report(OffsetDateTime generatedAt, List<Entry> entries, List<ShopAccess> shops) {
    }

    /**
     * A shop's access scopes as last read ({@code accessScopes} null: not read yet) and what they mean, in plain
     * sentences (a resource that cannot be read; order history limited to the last 60 days).
     */
    public record ShopAccess(String shop, List<String> accessScopes, OffsetDateTime checkedAt, List<String> notes) {
    }

    /**
     * One shop × resource. {@code rows}: objects that exist (not deleted) in the database; {@code rowsWritten}:
     * objects written by import and poll so far; {@code rowsTotal}: the store's count while importing;
     * {@code lagSeconds}: now minus the high-water mark (the newest change held), null before the first sync;
     * {@code pausedReason}: why the store refused this resource (it is paused alone), null when it syncs;
     * {@code importMode}: BULK or PAGED, with why when the store refused bulk operations.
     */
    public record Entry(String shop, String shopStatus, String shopStatusReason, String resource, String phase,
                        long rows, long rowsWritten, Long rowsTotal, Long lagSeconds, OffsetDateTime lastSuccessAt,
                        String lastError, String pausedReason, OffsetDateTime pausedAt, String importMode,
                        ShopDetail shopDetail) {

        /**
         * What {@code status} and the page add to the shop status: since when, the next check of a shop Shopify stopped
         * serving, and the API version served when it is not the one requested; empty when there is nothing to say.
         */
        public String shopStatusDetail() {
            List<String> parts = new ArrayList<>();
            ShopDetail d = shopDetail;
            if (d != null && d.statusSince() != null && !"INSTALLED".equals(shopStatus)) {
                parts.add("since " + d.statusSince().withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            }
            if (d != null && d.nextCheckAt() != null && !"INSTALLED".equals(shopStatus)) {
                parts.add("next check " + d.nextCheckAt().withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            }
            if (d != null && d.apiVersionServed() != null && !d.apiVersionServed().equals(d.apiVersionRequested())) {
                parts.add("API " + d.apiVersionServed() + " served for " + d.apiVersionRequested());
            }
            return String.join("; ", parts);
        }
    }

    /** One shop with its resources' sync state. */
    public record ShopStatus(String shopDomain, String status, String statusReason, List<ResourceStatus> resources,
                             ShopDetail detail) {
    }

    /**
     * Since when the shop has its status, when a shop Shopify stopped serving is asked again (null when it is not
     * re-checked), and the Admin API version requested and served (null before the first answer).
     */
    public record ShopDetail(OffsetDateTime statusSince, OffsetDateTime nextCheckAt, String apiVersionRequested,
                             String apiVersionServed) {
    }

    /** One resource of one shop; {@code lag} is now minus the high-water mark, null before the first sync. */
    public record ResourceStatus(String resource, String phase, long rowsDone, Long rowsTotal,
                                 OffsetDateTime highWaterMark, OffsetDateTime lastSuccessAt, String lastError,
                                 Duration lag, String pausedReason, OffsetDateTime pausedAt, String importMode) {
    }

    private final Database db;
    private final Jdbc jdbc;
    private final Catalog catalog;
    private final Clock clock;

    public StatusReport(Database db, Catalog catalog, Clock clock) {
        this.db = db;
        this.jdbc = new Jdbc(db);
        this.catalog = catalog;
        this.clock = clock;
    }

    public Report build() {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        Map<String, Map<String, Long>> live = liveRows();
        List<Entry> entries = new ArrayList<>();
        for (ShopStatus shop : shops(db, clock)) {
            if (shop.resources().isEmpty()) {
                entries.add(new Entry(shop.shopDomain(), shop.status(), shop.statusReason(), null, null, 0, 0, null,
                        null, null, null, null, null, null, shop.detail()));
            }
            for (ResourceStatus r : shop.resources()) {
                long rows = live.getOrDefault(r.resource(), Map.of()).getOrDefault(shop.shopDomain(), 0L);
                Duration lag = r.lag();
                entries.add(new Entry(shop.shopDomain(), shop.status(), shop.statusReason(), r.resource(), r.phase(),
                        rows, r.rowsDone(), r.rowsTotal(), lag == null ? null : Math.max(0, lag.toSeconds()),
                        r.lastSuccessAt(), r.lastError(), r.pausedReason(), r.pausedAt(), r.importMode(), shop.detail()));
            }
        }
        return new Report(now, List.copyOf(entries), shopAccess());
    }

    private List<ShopAccess> shopAccess() {
        return List.copyOf(jdbc.query("select-shops", rs -> {
            OffsetDateTime checkedAt = rs.getObject(10, OffsetDateTime.class);
            if (checkedAt == null) {
                return new ShopAccess(rs.getString(1), null, null, List.of()); // read at start and before every reconciliation
            }
            GrantedScopes granted = GrantedScopes.parse(rs.getString(9), checkedAt);
            return new ShopAccess(rs.getString(1), granted.handles(), checkedAt, AccessScopes.verdict(catalog, granted).warnings());
        }));
    }

    /** Per resource and shop: rows that exist in the resource's table (its first child's when it stores no roots). */
    private Map<String, Map<String, Long>> liveRows() {
        Map<String, Map<String, Long>> out = new HashMap<>();
        for (Resource r : catalog.resources()) {
            String table = r.storesRoots() ? r.table() : r.children().get(0).table();
            Map<String, Long> byShop = new HashMap<>();
            jdbc.queryRaw(jdbc.sql().get("count-live-rows-by-shop").replace("${table}", table),
                    rs -> byShop.put(rs.getString("shop_domain"), rs.getLong("live_rows")));
            out.put(r.name(), byShop);
        }
        return out;
    }

    /** BULK or PAGED, with why when the store refused bulk operations. */
    static String importMode(String mode, String reason) {
        return mode == null ? null : reason == null ? mode : mode + " (" + reason + ")";
    }

    /** Every shop with its resources' sync state, as {@code sync_state} holds it (the CLI's import progress, health, metrics). */
    public static List<ShopStatus> shops(Database db, Clock clock) {
        Map<String, ShopStatus> shops = new LinkedHashMap<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(db.sql().get("select-sync-status"));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String domain = rs.getString("shop_domain");
                ShopStatus shop = shops.computeIfAbsent(domain, d -> {
                    try {
                        return new ShopStatus(d, rs.getString("status"), rs.getString("status_reason"), new ArrayList<>(),
                                new ShopDetail(rs.getObject("status_since", OffsetDateTime.class),
                                        rs.getObject("next_check_at", OffsetDateTime.class),
                                        rs.getString("api_version_requested"), rs.getString("api_version_served")));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                String resource = rs.getString("resource");
                if (resource != null) {
                    OffsetDateTime hwm = rs.getObject("high_water_mark", OffsetDateTime.class);
                    long totalValue = rs.getLong("rows_total");
                    Long total = rs.wasNull() ? null : totalValue;
                    shop.resources().add(new ResourceStatus(resource, rs.getString("phase"), rs.getLong("rows_done"),
                            total, hwm,
                            rs.getObject("last_success_at", OffsetDateTime.class), rs.getString("last_error"),
                            hwm == null ? null : Duration.between(hwm.toInstant(), clock.instant()),
                            rs.getString("paused_reason"), rs.getObject("paused_at", OffsetDateTime.class),
                            importMode(rs.getString("import_mode"), rs.getString("import_mode_reason"))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read sync status: " + e.getMessage(), e);
        }
        return List.copyOf(shops.values());
    }
}
