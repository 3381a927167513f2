package io.shopifysync.sync;

import io.shopifysync.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads where every shop and resource stands, for {@code status} and the status page. */
public final class SyncStatus {

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
    private final Clock clock;

    public SyncStatus(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** BULK or PAGED, with why when the store refused bulk operations. */
    static String importMode(String mode, String reason) {
        return mode == null ? null : reason == null ? mode : mode + " (" + reason + ")";
    }

    public List<ShopStatus> read() {
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
