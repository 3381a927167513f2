package io.shopifysync.bench;

import io.shopifysync.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/** A throwaway PostgreSQL database per benchmark run (BENCH_PG_URL, default 127.0.0.1:5432/test, user postgres). */
final class BenchDatabase {

    static final String ADMIN_URL = System.getenv().getOrDefault("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");

    private BenchDatabase() {
    }

    /** Creates an empty database and returns its JDBC URL. */
    static String create() throws Exception {
        String name = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name;
    }

    static void drop(String url) throws Exception {
        String name = url.substring(url.lastIndexOf('/') + 1);
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** How many of the shop's resources are INCREMENTAL: the first import is done when all of them are. */
    static int incremental(Database db, String shop) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM shopify.sync_state WHERE shop_domain = ? AND phase = 'INCREMENTAL'")) {
            ps.setString(1, shop);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
