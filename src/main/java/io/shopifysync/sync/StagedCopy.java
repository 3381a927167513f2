package io.shopifysync.sync;

import io.shopifysync.catalog.Row;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * A bulk batch on PostgreSQL, in the caller's transaction, so the rows commit with the ingest progress or not at all.
 * {@link #copyDirect} COPYs (text format) each table's rows straight into the table, which is right while none of them
 * is stored (a first import); a stored row fails it with {@link RowsAlreadyStored} and the caller rolls the batch back.
 * {@link #write} COPYs them into a session temporary table, then one set-based statement upserts them, newer-wins for
 * roots, as {@code upsert-newer-wins} and {@code upsert-child} do row by row.
 */
final class StagedCopy {

    /** The statements of one catalog table, rendered from {@code copy-into-table} and the {@code sql/*staging*} templates. */
    record Table(String name, boolean root, String copyDirect, String createStaging, String copyIn, String upsert) {
    }

    private static final String UNIQUE_VIOLATION = "23505";

    /** A direct COPY met a row that is stored already: the transaction is unusable, the batch goes through staging. */
    static final class RowsAlreadyStored extends RuntimeException {
        RowsAlreadyStored(String table, SQLException e) {
            super("a row of the batch is stored in " + table + " already: " + e.getMessage(), e, false, false);
        }
    }

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final byte[] NULL = {'\\', 'N'};
    private static final int CHUNK = 64 * 1024;

    private final Map<String, Table> tables;

    StagedCopy(Map<String, Table> tables) {
        this.tables = Map.copyOf(tables);
    }

    /** Batches COPYed straight in, and batches written through staging (tests, benchmark). */
    final LongAdder direct = new LongAdder();
    final LongAdder viaStaging = new LongAdder();

    /** Every row COPYed straight into its table; {@link RowsAlreadyStored} when one of them is stored already. */
    Upserts.Written copyDirect(Connection c, String shop, List<Row> rows, OffsetDateTime syncedAt) throws SQLException {
        Map<String, Map<Long, Row>> byTable = latestPerId(rows);
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        Map<String, Integer> changed = new LinkedHashMap<>();
        Buffer buffer = new Buffer();
        for (Map.Entry<String, Map<Long, Row>> e : byTable.entrySet()) {
            Table t = table(e.getKey());
            try {
                copy(copy, t.copyDirect(), buffer, shop, syncedAt, e.getValue().values(), t);
            } catch (SQLException stored) {
                if (UNIQUE_VIOLATION.equals(stored.getSQLState())) {
                    throw new RowsAlreadyStored(t.name(), stored);
                }
                throw stored;
            }
            changed.put(e.getKey(), e.getValue().size()); // every row was new
        }
        direct.increment();
        return new Upserts.Written(changed);
    }

    Upserts.Written write(Connection c, String shop, List<Row> rows, OffsetDateTime syncedAt) throws SQLException {
        Map<String, Map<Long, Row>> byTable = latestPerId(rows);
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        Map<String, Integer> changed = new LinkedHashMap<>();
        Buffer buffer = new Buffer();
        try (Statement st = c.createStatement()) {
            for (Map.Entry<String, Map<Long, Row>> e : byTable.entrySet()) {
                Table t = table(e.getKey());
                st.execute(t.createStaging());
                copy(copy, t.copyIn(), buffer, shop, syncedAt, e.getValue().values(), t);
                changed.put(e.getKey(), st.executeUpdate(t.upsert()));
            }
        }
        viaStaging.increment();
        return new Upserts.Written(changed);
    }

    private Table table(String name) {
        Table t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no catalog table named " + name);
        }
        return t;
    }

    /** COPYs the rows in chunks as their lines are written, so PostgreSQL parses one chunk while the next is made. */
    private static void copy(CopyManager copy, String sql, Buffer buffer, String shop, OffsetDateTime syncedAt, Iterable<Row> rows,
                             Table t) throws SQLException {
        byte[] shopField = escaped(shop);
        byte[] syncedField = escaped(TIMESTAMP.format(syncedAt));
        buffer.reset();
        CopyIn in = copy.copyIn(sql);
        try {
            for (Row row : rows) {
                line(buffer, shopField, syncedField, row, t.root());
                if (buffer.size >= CHUNK) {
                    in.writeToCopy(buffer.bytes, 0, buffer.size);
                    buffer.reset();
                }
            }
            in.writeToCopy(buffer.bytes, 0, buffer.size);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /**
     * One row per table and id, the one the row-by-row upserts would leave: for a root the newest (the later one when
     * equally new), for a child the later one. A set-based upsert may not touch a row twice.
     */
    static Map<String, Map<Long, Row>> latestPerId(List<Row> rows) {
        Map<String, Map<Long, Row>> out = new LinkedHashMap<>();
        for (Row row : rows) {
            out.computeIfAbsent(row.table(), k -> new LinkedHashMap<>()).merge(row.id(), row, (before, later) ->
                    later.updatedAt() != null && before.updatedAt() != null && later.updatedAt().isBefore(before.updatedAt())
                            ? before : later);
        }
        return out;
    }

    /** shop_domain, id, [parent], typed..., [updated_at], deleted_at, synced_at, data: the order of Upserts' columns. */
    private static void line(Buffer b, byte[] shop, byte[] synced, Row row, boolean root) {
        b.write(shop);
        b.tab();
        b.ascii(Long.toString(row.id()));
        if (!root) {
            b.tab();
            b.ascii(Long.toString(row.parentId()));
        }
        for (Object v : row.values()) {
            b.tab();
            value(b, v);
        }
        if (root) {
            b.tab();
            value(b, row.updatedAt());
        }
        b.tab();
        b.write(NULL);
        b.tab();
        b.write(synced);
        b.tab();
        b.text(row.data());
        b.newline();
    }

    private static void value(Buffer b, Object v) {
        if (v == null) {
            b.write(NULL);
        } else if (v instanceof Long || v instanceof Integer) {
            b.ascii(v.toString());
        } else if (v instanceof BigDecimal d) {
            b.ascii(d.toPlainString());
        } else if (v instanceof OffsetDateTime t) {
            b.ascii(t.toString()); // ISO 8601 as PostgreSQL reads it, cheaper than a formatter
        } else {
            b.text(v.toString());
        }
    }

    private static byte[] escaped(String s) {
        Buffer b = new Buffer();
        b.text(s);
        return Arrays.copyOf(b.bytes, b.size);
    }

    /** A growable byte buffer that writes COPY text fields: UTF-8, with backslash, tab, newline and CR escaped. */
    static final class Buffer {
        byte[] bytes = new byte[1 << 16];
        int size;

        void reset() {
            size = 0;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        void write(int c) {
            ensure(1);
            bytes[size++] = (byte) c;
        }

        void write(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
        }

        void tab() {
            write('\t');
        }

        void newline() {
            write('\n');
        }

        /** Digits, signs, dates: nothing to escape or encode. */
        void ascii(String s) {
            int n = s.length();
            ensure(n);
            for (int i = 0; i < n; i++) {
                bytes[size++] = (byte) s.charAt(i);
            }
        }

        void text(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8); // the JDK's encoder: a copy for ASCII, surrogate pairs handled
            ensure(utf8.length * 2); // the worst case: every byte escaped
            int from = 0;
            for (int i = 0; i < utf8.length; i++) {
                char escaped = switch (utf8[i]) { // UTF-8's multi-byte sequences hold no ASCII byte: escaping bytes is safe
                    case '\\' -> '\\';
                    case '\t' -> 't';
                    case '\n' -> 'n';
                    case '\r' -> 'r';
                    default -> 0;
                };
                if (escaped != 0) {
                    System.arraycopy(utf8, from, bytes, size, i - from);
                    size += i - from;
                    escape(escaped);
                    from = i + 1;
                }
            }
            System.arraycopy(utf8, from, bytes, size, utf8.length - from);
            size += utf8.length - from;
        }

        private void escape(char c) {
            bytes[size++] = '\\';
            bytes[size++] = (byte) c;
        }
    }
}
