package io.shopifysync.sync;

import io.shopifysync.catalog.Row;
import io.shopifysync.db.Jdbc;
import io.shopifysync.catalog.Child;
import io.shopifysync.catalog.Resource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** Writes rows and the progress they represent in one transaction: the unit that makes kill -9 routine. */
public final class ResourceWriter {

    private final Jdbc jdbc;
    private final Upserts upserts;
    private final SyncStateStore state;

    public ResourceWriter(Jdbc jdbc, Upserts upserts, SyncStateStore state) {
        this.jdbc = jdbc;
        this.upserts = upserts;
        this.state = state;
    }

    /**
     * A batch of a bulk result, with the byte offset it reaches. On PostgreSQL its rows are COPYed straight into their
     * tables; if one of them is stored already (a re-import, or a webhook or a poll came first) that transaction rolls
     * back and the batch goes through staging and a set-based newer-wins upsert instead. If the database refuses a value
     * (SQLSTATE class 22: too long for its column, out of range, a character it cannot store), the batch is written
     * again row by row, each refused row handed to {@code refused} with the database's reason before the rest commits
     * with the progress: one bad value never stops an import.
     */
    public void writeBulkBatch(String shop, String resource, String operationId, List<Row> rows, long offset, long roots,
                               BiConsumer<Row, String> refused) {
        Upserts.Written written;
        try {
            try {
                written = withProgress(shop, resource, operationId, offset, roots,
                        (c, now) -> upserts.writeBulkFirstTry(c, shop, rows, now));
            } catch (StagedCopy.RowsAlreadyStored stored) {
                written = withProgress(shop, resource, operationId, offset, roots,
                        (c, now) -> upserts.writeBulk(c, shop, rows, now));
            }
        } catch (RuntimeException e) {
            if (!refusedValue(e)) {
                throw e;
            }
            written = withProgress(shop, resource, operationId, offset, roots,
                    (c, now) -> writeRowByRow(c, shop, rows, now, refused));
        }
        upserts.committed(shop, written);
    }

    /** How a bulk batch's rows are written, in the caller's transaction. */
    private interface RowsWrite {
        Upserts.Written write(Connection c, OffsetDateTime now) throws SQLException;
    }

    /** The rows and the byte offset they reach, in one transaction. */
    private Upserts.Written withProgress(String shop, String resource, String operationId, long offset, long roots,
                                         RowsWrite rows) {
        return jdbc.inTransaction(c -> {
            Upserts.Written w = rows.write(c, state.now());
            state.ingestProgress(c, shop, resource, operationId, offset, roots);
            return w;
        });
    }

    /** Each row in its own savepoint: a row the database refuses is rolled back alone and reported. */
    private Upserts.Written writeRowByRow(Connection c, String shop, List<Row> rows, OffsetDateTime now,
                                          BiConsumer<Row, String> refused) throws SQLException {
        Map<String, Integer> changed = new LinkedHashMap<>();
        for (Row row : rows) {
            Savepoint beforeRow = c.setSavepoint();
            try {
                upserts.write(c, shop, List.of(row), now).byTable().forEach((table, n) -> changed.merge(table, n, Integer::sum));
                c.releaseSavepoint(beforeRow);
            } catch (SQLException e) {
                if (!refusedValue(e)) {
                    throw e;
                }
                c.rollback(beforeRow);
                refused.accept(row, "the database refused the " + row.table() + " row " + row.id() + ": " + e.getMessage());
            }
        }
        return new Upserts.Written(changed);
    }

    /** A data exception (SQLSTATE class 22) anywhere in the causes: a value, not the database, is the problem. */
    static boolean refusedValue(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Ends a first import or a catch-up: after a catch-up, the children of the parents it wrote that it did not write
     * are tombstoned (it read each changed parent with all of its children), then the resource is INCREMENTAL from the
     * mark; one transaction, so a kill leaves either both or neither.
     */
    public void finishBackfill(String shop, Resource r, OffsetDateTime highWaterMark) {
        jdbc.inTransaction(c -> {
            if (r.storesRoots()) {
                OffsetDateTime now = state.now();
                for (Child child : r.children()) {
                    String sql = jdbc.sql().get("tombstone-children-missing-from-catch-up").replace("${table}", child.table())
                            .replace("${parent_table}", r.table()).replace("${parent_column}", child.parentColumn());
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setObject(1, now);
                        ps.setString(2, shop);
                        ps.setString(3, shop);
                        ps.setString(4, r.name());
                        ps.setString(5, shop);
                        ps.setString(6, shop);
                        ps.setString(7, r.name());
                        ps.executeUpdate();
                    }
                }
            }
            state.finishBackfill(c, shop, r.name(), highWaterMark);
            return null;
        });
    }

    /** Tombstones rows that the store no longer has. */
    public int tombstone(String shop, String table, List<Long> ids, OffsetDateTime deletedAt) {
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbc.inTransaction(c -> {
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement(jdbc.sql().get("tombstone-row").replace("${table}", table))) {
                for (long id : ids) {
                    ps.setObject(1, deletedAt);
                    ps.setString(2, shop);
                    ps.setLong(3, id);
                    ps.addBatch();
                }
                for (int k : ps.executeBatch()) {
                    n += Math.max(k, 0);
                }
            }
            return n;
        });
    }
}
