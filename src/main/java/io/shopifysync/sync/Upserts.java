package io.shopifysync.sync;

import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Child;
import io.shopifysync.catalog.Column;
import io.shopifysync.catalog.Resource;
import io.shopifysync.catalog.Row;
import io.shopifysync.db.Dialect;
import io.shopifysync.db.SqlStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The newer-wins upserts of every catalog table, generated once from the catalog and the two SQL
 * templates ({@code upsert-newer-wins}, {@code upsert-child}). Import, poll and webhooks all write here.
 * On PostgreSQL a bulk batch goes through {@link StagedCopy} instead (COPY into a staging table, then one
 * set-based upsert per table, templated from {@code *-from-staging}); H2 keeps the JDBC batches.
 */
public final class Upserts {

    /** The SQL of one table and how many typed columns it binds. */
    private record Statement(String sql, boolean child) {
    }

    private final Map<String, Statement> byTable = new HashMap<>();
    private final SyncEvents events;
    private final StagedCopy staged;

    public Upserts(Catalog catalog, Dialect dialect) {
        this(catalog, dialect, SyncEvents.NONE);
    }

    public Upserts(Catalog catalog, Dialect dialect, SyncEvents events) {
        this(catalog, dialect, events, true);
    }

    /** {@code copyOnPostgresql} false keeps bulk batches on the JDBC batches everywhere (the import benchmark's comparison). */
    public Upserts(Catalog catalog, Dialect dialect, SyncEvents events, boolean copyOnPostgresql) {
        this.events = events;
        SqlStatements sql = new SqlStatements(dialect);
        Map<String, StagedCopy.Table> stagedTables = new HashMap<>();
        for (Resource r : catalog.resources()) {
            if (r.storesRoots()) {
                byTable.put(r.table(), new Statement(render(sql.get("upsert-newer-wins"), dialect, r.table(), null,
                        r.columns(), true), false));
                if (dialect == Dialect.POSTGRESQL) {
                    stagedTables.put(r.table(), staged(sql, "upsert-newer-wins-from-staging", dialect, r.table(), null, r.columns(), true));
                }
            }
            for (Child c : r.children()) {
                byTable.put(c.table(), new Statement(render(sql.get("upsert-child"), dialect, c.table(), c.parentColumn(),
                        c.columns(), false), true));
                if (dialect == Dialect.POSTGRESQL) {
                    stagedTables.put(c.table(), staged(sql, "upsert-child-from-staging", dialect, c.table(), c.parentColumn(),
                            c.columns(), false));
                }
            }
        }
        this.staged = dialect == Dialect.POSTGRESQL && copyOnPostgresql ? new StagedCopy(stagedTables) : null;
    }

    private static StagedCopy.Table staged(SqlStatements sql, String upsert, Dialect dialect, String table, String parentColumn,
                                           List<Column> typed, boolean root) {
        return new StagedCopy.Table(table, root,
                render(sql.get("copy-into-table"), dialect, table, parentColumn, typed, root),
                render(sql.get("create-staging-table"), dialect, table, parentColumn, typed, root),
                render(sql.get("copy-into-staging"), dialect, table, parentColumn, typed, root),
                render(sql.get(upsert), dialect, table, parentColumn, typed, root));
    }

    /**
     * Column order of every statement: shop_domain, id, [parent], typed..., [updated_at], deleted_at, synced_at, data
     * ({@link StagedCopy} writes its COPY lines in this order too).
     */
    private static String render(String template, Dialect dialect, String table, String parentColumn, List<Column> typed,
                                 boolean root) {
        Map<String, String> columns = new LinkedHashMap<>(); // name -> SQL type
        columns.put("shop_domain", "VARCHAR(255)");
        columns.put("id", "BIGINT");
        if (parentColumn != null) {
            columns.put(parentColumn, "BIGINT");
        }
        typed.forEach(c -> columns.put(c.name(), c.type().sqlType()));
        if (root) {
            columns.put("updated_at", "TIMESTAMP WITH TIME ZONE");
        }
        columns.put("deleted_at", "TIMESTAMP WITH TIME ZONE");
        columns.put("synced_at", "TIMESTAMP WITH TIME ZONE");
        columns.put("data", dialect.jsonType());

        List<String> names = new ArrayList<>(columns.keySet());
        List<String> updatable = names.stream().filter(n -> !n.equals("shop_domain") && !n.equals("id")).toList();
        String values = names.stream().map(n -> switch (n) {
            case "deleted_at" -> "NULL";
            case "data" -> dialect.jsonParameter();
            default -> "?";
        }).collect(Collectors.joining(", "));
        String typedValues = names.stream().map(n -> switch (n) {
            case "deleted_at" -> "CAST(NULL AS TIMESTAMP WITH TIME ZONE)";
            case "data" -> dialect.jsonParameter();
            default -> "CAST(? AS " + columns.get(n) + ")";
        }).collect(Collectors.joining(", "));
        return template
                .replace("${staging}", "pg_temp.staged_" + table)
                .replace("${column_definitions}", columns.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")))
                .replace("${table}", table)
                .replace("${columns}", String.join(", ", names))
                .replace("${values}", values)
                .replace("${typed_values}", typedValues)
                .replace("${updates}", updatable.stream().map(n -> n + " = EXCLUDED." + n).collect(Collectors.joining(", ")))
                .replace("${source_updates}", updatable.stream().map(n -> n + " = s." + n).collect(Collectors.joining(", ")))
                .replace("${source_columns}", names.stream().map(n -> "s." + n).collect(Collectors.joining(", ")));
    }

    public String sqlFor(String table) {
        Statement s = byTable.get(table);
        if (s == null) {
            throw new IllegalArgumentException("no catalog table named " + table);
        }
        return s.sql();
    }

    /** Whether the table holds roots (their upsert is newer-wins) rather than children (written with their parent). */
    public boolean isRoot(String table) {
        return !statement(table).child();
    }

    /**
     * The parameters of {@link #sqlFor}'s statement for one row, in the order {@link #bind} sets them: one entry of a
     * route's {@code sql:} batch (routes/writes.yaml).
     */
    public List<Object> parameters(String shop, Row row, OffsetDateTime syncedAt) {
        boolean child = statement(row.table()).child();
        List<Object> p = new ArrayList<>(row.values().size() + 6);
        p.add(shop);
        p.add(row.id());
        if (child) {
            p.add(row.parentId());
        }
        p.addAll(row.values());
        if (!child) {
            p.add(row.updatedAt());
        }
        p.add(syncedAt);
        p.add(row.data());
        return p;
    }

    private Statement statement(String table) {
        Statement s = byTable.get(table);
        if (s == null) {
            throw new IllegalArgumentException("no catalog table named " + table);
        }
        return s;
    }

    /** Rows changed per table by one write (a stale root that newer-wins refused does not count). */
    public record Written(Map<String, Integer> byTable) {
        public int changed() {
            return byTable.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Counts a write in the metrics once its transaction has committed: a rolled-back and retried batch counts once. */
    public void committed(String shop, Written written) {
        written.byTable().forEach((table, n) -> events.rowsUpserted(shop, table, n));
    }

    /** Writes rows with one JDBC batch per table, in the caller's transaction; the caller reports it when committed. */
    public Written write(Connection c, String shop, List<Row> rows, OffsetDateTime syncedAt) throws SQLException {
        Map<String, List<Row>> grouped = new LinkedHashMap<>();
        for (Row row : rows) {
            grouped.computeIfAbsent(row.table(), t -> new ArrayList<>()).add(row);
        }
        Map<String, Integer> changed = new LinkedHashMap<>();
        for (Map.Entry<String, List<Row>> e : grouped.entrySet()) {
            Statement s = byTable.get(e.getKey());
            if (s == null) {
                throw new IllegalArgumentException("no catalog table named " + e.getKey());
            }
            int tableChanged = 0;
            try (PreparedStatement ps = c.prepareStatement(s.sql())) {
                for (Row row : e.getValue()) {
                    bind(ps, shop, row, s.child(), syncedAt);
                    ps.addBatch();
                }
                for (int n : ps.executeBatch()) {
                    tableChanged += n == PreparedStatement.SUCCESS_NO_INFO ? 1 : n;
                }
            }
            changed.put(e.getKey(), tableChanged);
        }
        return new Written(changed);
    }

    /**
     * Writes a bulk batch in the caller's transaction: on PostgreSQL by COPY into staging tables and one set-based
     * newer-wins upsert per table, on H2 by the JDBC batches of {@link #write}. Same result either way.
     */
    public Written writeBulk(Connection c, String shop, List<Row> rows, OffsetDateTime syncedAt) throws SQLException {
        return staged == null ? write(c, shop, rows, syncedAt) : staged.write(c, shop, rows, syncedAt);
    }

    /**
     * A bulk batch's first try, in the caller's transaction: on PostgreSQL COPY straight into the tables, which throws
     * {@link StagedCopy.RowsAlreadyStored} (the transaction must be rolled back, then {@link #writeBulk}) when a row of
     * the batch is stored already; elsewhere {@link #writeBulk}.
     */
    Written writeBulkFirstTry(Connection c, String shop, List<Row> rows, OffsetDateTime syncedAt) throws SQLException {
        return staged == null ? write(c, shop, rows, syncedAt) : staged.copyDirect(c, shop, rows, syncedAt);
    }

    /** Bulk batches written on PostgreSQL so far: COPYed straight in, and through staging (tests). */
    long[] bulkBatchesDirectAndStaged() {
        return staged == null ? new long[2] : new long[] {staged.direct.sum(), staged.viaStaging.sum()};
    }

    private static void bind(PreparedStatement ps, String shop, Row row, boolean child, OffsetDateTime syncedAt)
            throws SQLException {
        int i = 1;
        ps.setString(i++, shop);
        ps.setLong(i++, row.id());
        if (child) {
            ps.setLong(i++, row.parentId());
        }
        for (Object v : row.values()) {
            ps.setObject(i++, v);
        }
        if (!child) {
            ps.setObject(i++, row.updatedAt());
        }
        ps.setObject(i++, syncedAt);
        ps.setString(i, row.data());
    }
}
