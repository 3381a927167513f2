package io.shopifysync.sync;

import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Child;
import io.shopifysync.catalog.Resource;
import io.shopifysync.catalog.Row;
import io.shopifysync.db.SqlStatements;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * The leaf work of routes/writes.yaml (bean {@code pageWrites}): a page of current objects as the parameter lists of
 * its {@code sql:} batches, one per table, with each table's statement generated from the catalog ({@link Upserts}),
 * and the count of what they wrote. What runs in which order and what commits together is the route's.
 */
public final class PageWrites {

    /** The time the page is written at: every row's {@code synced_at}, and the poll's progress (sql/record-poll-page.sql). */
    public static final String WRITTEN_AT = PageReads.WRITTEN_AT;
    /** Rows changed per table by the page's batches (table → rows), counted in the metrics once the transaction commits. */
    public static final String UPSERTED = "pageUpserted";
    /** The {@link TableWrite} the split is at. */
    public static final String TABLE_WRITE = "tableWrite";

    /** One table's batch: its statement (CamelSqlQuery) and one parameter list per row. */
    public static final class TableWrite {
        private final String table;
        private final boolean root;
        private final String sql;
        private final List<List<Object>> parameters;
        private final String countSql;
        private final Map<String, Object> countParameters;

        TableWrite(String table, boolean root, String sql, List<List<Object>> parameters, String countSql,
                   Map<String, Object> countParameters) {
            this.table = table;
            this.root = root;
            this.sql = sql;
            this.parameters = parameters;
            this.countSql = countSql;
            this.countParameters = countParameters;
        }

        public String getTable() {
            return table;
        }

        /** Roots are newer-wins: a row no newer than the stored one is not written. */
        public boolean isRoot() {
            return root;
        }

        public String getSql() {
            return sql;
        }

        public List<List<Object>> getParameters() {
            return parameters;
        }

        /** For roots: how many of the batch's rows the write changed (sql/count-rows-written-at.sql for this table). */
        public String getCountSql() {
            return countSql;
        }

        public Map<String, Object> getCountParameters() {
            return countParameters;
        }

        @Override
        public String toString() {
            return table + " (" + parameters.size() + " rows)";
        }
    }

    private final Catalog catalog;
    private final Upserts upserts;
    private final SqlStatements sql;
    private final SyncStateStore state;

    public PageWrites(Catalog catalog, Upserts upserts, SqlStatements sql, SyncStateStore state) {
        this.catalog = catalog;
        this.upserts = upserts;
        this.sql = sql;
        this.state = state;
    }

    /** The page's write time, to the microsecond both databases store: the rows the write changed carry exactly it. */
    public OffsetDateTime now() {
        return state.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** An empty count of the page's changed rows per table. */
    public Map<String, Integer> tally() {
        return new LinkedHashMap<>();
    }

    /**
     * The children of every parent on the page, one batch per child table (sql/tombstone-children-of.sql): the page
     * carries each parent's complete list, whose rows the upserts bring back, so a removed one stays tombstoned.
     */
    public List<TableWrite> childReplacements(@ExchangeProperty("shop") String shop, @ExchangeProperty("resource") String resource,
                                              @ExchangeProperty(WRITTEN_AT) OffsetDateTime now, @Body Pager.Page page) {
        Resource r = catalog.resource(resource);
        List<TableWrite> out = new ArrayList<>();
        if (page.rootIds().isEmpty()) {
            return out;
        }
        for (Child child : r.children()) {
            List<List<Object>> parameters = new ArrayList<>(page.rootIds().size());
            for (long parent : page.rootIds()) {
                parameters.add(List.of(now, shop, parent));
            }
            out.add(new TableWrite(child.table(), false, sql.get("tombstone-children-of").replace("${table}", child.table())
                    .replace("${parent_column}", child.parentColumn()), parameters, null, null));
        }
        return out;
    }

    /** The page's rows, one batch per table in the order the page holds them, each table's upsert from the catalog. */
    public List<TableWrite> upserts(@ExchangeProperty("shop") String shop, @ExchangeProperty(WRITTEN_AT) OffsetDateTime now,
                                    @Body Pager.Page page) {
        Map<String, List<Row>> byTable = new LinkedHashMap<>();
        for (Row row : page.rows()) {
            byTable.computeIfAbsent(row.table(), t -> new ArrayList<>()).add(row);
        }
        List<TableWrite> out = new ArrayList<>();
        byTable.forEach((table, rows) -> {
            List<List<Object>> parameters = new ArrayList<>(rows.size());
            rows.forEach(row -> parameters.add(upserts.parameters(shop, row, now)));
            boolean root = upserts.isRoot(table);
            Map<String, Object> count = null;
            if (root) {
                count = new LinkedHashMap<>();
                count.put("shop", shop);
                count.put("writtenAt", now);
                count.put("ids", rows.stream().map(Row::id).toList());
            }
            out.add(new TableWrite(table, root, upserts.sqlFor(table), parameters,
                    root ? sql.get("count-rows-written-at").replace("${table}", table) : null, count));
        });
        return out;
    }

    /** Adds a batch's changed rows (the body) to the page's count. */
    public void counted(@ExchangeProperty(UPSERTED) Map<String, Integer> tally, @ExchangeProperty(TABLE_WRITE) TableWrite write,
                        @Body Number rows) {
        tally.merge(write.getTable(), rows.intValue(), Integer::sum);
    }

    /** After the page's transaction committed: its rows count in the metrics, once (a rolled-back page never got here). */
    public void committed(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, Integer> tally = exchange.getProperty(UPSERTED, Map.class);
        exchange.removeProperty(UPSERTED);
        if (tally != null) {
            upserts.committed(exchange.getProperty("shop", String.class), new Upserts.Written(Map.copyOf(tally)));
        }
    }
}
