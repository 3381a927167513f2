package io.shopifysync.sync;

import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Child;
import io.shopifysync.catalog.Resource;
import io.shopifysync.db.Database;
import io.shopifysync.db.SqlStatements;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The convergence check (the digest, docs/emulator.md), computed from the database: per resource the count and
 * SHA-256 of {@code "<id> <updatedAt>\n"} lines (children: {@code "<id> <parent id>\n"}), sorted by id.
 */
public final class Digest {

    /** One digest key: a top-level table, or a child table tied to its parent by a column. */
    public record Part(String key, String table, String parentTable, String parentColumn) {
        public static Part topLevel(String table) {
            return new Part(table, table, null, null);
        }

        public static Part child(String table, String parentTable, String parentColumn) {
            return new Part(table, table, parentTable, parentColumn);
        }

        boolean isChild() {
            return parentTable != null;
        }
    }

    /** Every table of the catalog: top-level tables in catalog order, then child tables in catalog order. */
    public static List<Part> partsOf(Catalog catalog) {
        List<Part> parts = new ArrayList<>();
        for (Resource r : catalog.resources()) {
            if (r.storesRoots()) {
                parts.add(Part.topLevel(r.table()));
            }
        }
        for (Resource r : catalog.resources()) {
            for (Child c : r.children()) {
                parts.add(Part.child(c.table(), catalog.parentTableOf(r), c.parentColumn()));
            }
        }
        return parts;
    }

    private static final DateTimeFormatter UTC_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private final DataSource dataSource;
    private final SqlStatements sql;
    private final List<Part> parts;

    public Digest(Database db, Catalog catalog) {
        this(db.dataSource(), db.sql(), partsOf(catalog));
    }

    public Digest(DataSource dataSource, SqlStatements sql, List<Part> parts) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.parts = parts;
    }

    /** Key → {count, sha256}, in the order of the parts. */
    public Map<String, Entry> compute(ShopDomain shop) {
        Map<String, Entry> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // lets PostgreSQL stream the rows with the fetch size
            try {
                for (Part part : parts) {
                    out.put(part.key(), digestOf(c, shop, part));
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not compute digest for " + shop + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** The digest as the single-line JSON object of contract C3. */
    public String computeJson(ShopDomain shop) {
        return toJson(compute(shop));
    }

    public static String toJson(Map<String, Entry> digest) {
        StringBuilder sb = new StringBuilder("{");
        digest.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(k).append("\":{\"count\":").append(v.count())
                    .append(",\"sha256\":\"").append(v.sha256()).append("\"}");
        });
        return sb.append('}').toString();
    }

    private Entry digestOf(Connection c, ShopDomain shop, Part part) throws SQLException {
        String statement = part.isChild()
                ? sql.get("select-digest-child-rows").replace("${table}", part.table())
                        .replace("${parent_table}", part.parentTable()).replace("${parent_column}", part.parentColumn())
                : sql.get("select-digest-rows").replace("${table}", part.table());
        MessageDigest sha = sha256();
        long count = 0;
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setFetchSize(1000);
            ps.setString(1, shop.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String second = part.isChild()
                            ? Long.toString(rs.getLong(2))
                            : formatInstant(rs.getObject(2, OffsetDateTime.class));
                    sha.update((rs.getLong(1) + " " + second + "\n").getBytes(StandardCharsets.UTF_8));
                    count++;
                }
            }
        }
        return new Entry(count, HexFormat.of().formatHex(sha.digest()));
    }

    static String formatInstant(OffsetDateTime t) {
        return t.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(UTC_SECONDS);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One resource's part of the digest. */
    public record Entry(long count, String sha256) {
    }
}
