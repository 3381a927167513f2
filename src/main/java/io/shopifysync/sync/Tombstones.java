package io.shopifysync.sync;

import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.SqlStatements;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.camel.Body;

/**
 * Deleted objects stay as tombstones (so stale data cannot resurrect them) until the {@code purge-tombstones} route
 * deletes them, table by table (routes/maintenance.yaml); this bean says which tables, from when, and with which statement.
 */
public final class Tombstones {

    private final SqlStatements sql;
    private final Catalog catalog;
    private final Clock clock;
    private final Duration keep;

    public Tombstones(SqlStatements sql, Catalog catalog, Clock clock, Duration keep) {
        this.sql = sql;
        this.catalog = catalog;
        this.clock = clock;
        this.keep = keep;
    }

    /** The catalog's tables, each of which keeps tombstones. */
    public List<String> tables() {
        return catalog.tables();
    }

    /** Tombstones older than this go: now minus purge.after.days. */
    public OffsetDateTime cutoff() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).minus(keep);
    }

    /**
     * sql/purge-tombstones.sql for one catalog table: a table name cannot be a bound parameter, so the statement is
     * completed here, and only ever with a name the catalog holds.
     */
    public String purgeStatement(@Body String table) {
        if (!catalog.tables().contains(table)) {
            throw new IllegalArgumentException("not a catalog table: " + table);
        }
        return sql.get("purge-tombstones").replace("${table}", table);
    }
}
