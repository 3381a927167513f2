package io.shopifysync.sync;

import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Jdbc;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deleted objects stay as tombstones (so stale data cannot resurrect them) until this purge removes them. */
public final class Tombstones {

    private static final Logger LOG = LoggerFactory.getLogger(Tombstones.class);
    private final Jdbc jdbc;
    private final Catalog catalog;
    private final Clock clock;
    private final Duration keep;

    public Tombstones(Jdbc jdbc, Catalog catalog, Clock clock, Duration keep) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.clock = clock;
        this.keep = keep;
    }

    /** Returns how many rows were purged. */
    public long purge() {
        OffsetDateTime before = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).minus(keep);
        long purged = 0;
        for (String table : catalog.tables()) {
            String sql = jdbc.sql().get("purge-tombstones").replace("${table}", table);
            purged += jdbc.inTransaction(c -> {
                try (var ps = c.prepareStatement(sql)) {
                    ps.setObject(1, before);
                    return ps.executeUpdate();
                }
            });
        }
        if (purged > 0) {
            LOG.info("purged {} tombstones older than {}", purged, before);
        }
        return purged;
    }
}
