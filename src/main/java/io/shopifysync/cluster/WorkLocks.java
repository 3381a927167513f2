package io.shopifysync.cluster;

import io.shopifysync.db.SqlStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most one process at a time imports, polls or reconciles one shop and resource: its row in
 * {@code shopify.work_locks} is locked {@code FOR UPDATE SKIP LOCKED} in a transaction kept open on a
 * connection of a small pool of its own for as long as the work runs. Whoever finds the row locked skips the
 * shop until its next tick. The lock is the database's, so it ends with the holder's connection: a killed
 * instance leaves no lease behind and no timeout to tune. The work itself writes {@code sync_state} on other
 * connections, which is why the lock is a row of its own and not the {@code sync_state} row.
 */
public final class WorkLocks {

    /** Exchange property: the held claim of the current shop and resource, if this exchange holds one. */
    public static final String CLAIM = "workClaim";
    /** Exchange property: true when this exchange holds the shop and resource and may do the work. */
    public static final String CLAIMED = "workClaimed";
    private static final Logger LOG = LoggerFactory.getLogger(WorkLocks.class);
    private static final String DUPLICATE_KEY = "23505";

    /** A held lock; closing it ends the transaction and so releases the row. */
    public static final class Claim implements AutoCloseable {
        private final Connection connection;
        private final String shop;
        private final String resource;
        private final String deleteIfShopGone;

        private Claim(Connection connection, String shop, String resource, String deleteIfShopGone) {
            this.connection = connection;
            this.shop = shop;
            this.resource = resource;
            this.deleteIfShopGone = deleteIfShopGone;
        }

        public String shop() {
            return shop;
        }

        public String resource() {
            return resource;
        }

        @Override
        public void close() {
            LOG.debug("work released {} {} at {}", shop, resource, System.currentTimeMillis());
            try (connection) {
                connection.rollback();
                // a purge skips the row of a step still running (delete-shop-work-locks.sql): the step removes it itself
                connection.setAutoCommit(true);
                try (PreparedStatement ps = connection.prepareStatement(deleteIfShopGone)) {
                    ps.setString(1, shop);
                    ps.setString(2, resource);
                    ps.setString(3, shop);
                    ps.executeUpdate();
                }
            } catch (SQLException e) {
                // the connection broke: the server ended the transaction, and with it the lock
                LOG.debug("{} {}: releasing the work lock: {}", shop, resource, e.getMessage());
            }
        }
    }

    private final DataSource lockPool;
    private final SqlStatements sql;

    public WorkLocks(DataSource lockPool, SqlStatements sql) {
        this.lockPool = lockPool;
        this.sql = sql;
    }

    /** The route's claim: sets {@value #CLAIMED}, and {@value #CLAIM} when the shop and resource are ours. */
    public void claim(Exchange exchange) {
        String shop = exchange.getProperty("shop", String.class);
        String resource = exchange.getProperty("resource", String.class);
        Optional<Claim> claim = tryClaim(shop, resource);
        exchange.setProperty(CLAIMED, claim.isPresent());
        claim.ifPresent(c -> exchange.setProperty(CLAIM, c));
    }

    /** The route's release (in doFinally): idempotent. */
    public void release(Exchange exchange) {
        Claim claim = exchange.getProperty(CLAIM, Claim.class);
        exchange.removeProperty(CLAIM);
        if (claim != null) {
            claim.close();
        }
    }

    /** Locks the shop and resource unless another process (or thread) holds it; never waits for a holder. */
    public Optional<Claim> tryClaim(String shop, String resource) {
        Connection c;
        try {
            c = lockPool.getConnection();
        } catch (SQLTransientConnectionException e) {
            LOG.debug("{} {}: no lock connection free; skipped until the next tick", shop, resource);
            return Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database for the work lock of " + shop + " " + resource
                    + ": " + e.getMessage(), e);
        }
        try {
            c.setAutoCommit(false);
            if (lock(c, shop, resource)) {
                return Optional.of(new Claim(c, shop, resource, sql.get("delete-work-lock-of-removed-shop")));
            }
            // absent (first use) or held by someone else: make sure it exists, committed, then try once more
            c.rollback();
            c.setAutoCommit(true);
            createRow(c, shop, resource);
            c.setAutoCommit(false);
            if (lock(c, shop, resource)) {
                return Optional.of(new Claim(c, shop, resource, sql.get("delete-work-lock-of-removed-shop")));
            }
            c.rollback();
            c.close();
            return Optional.empty();
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a broken connection: nothing more to release
            }
            throw new IllegalStateException("work lock of " + shop + " " + resource + ": " + e.getMessage(), e);
        }
    }

    private boolean lock(Connection c, String shop, String resource) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.get("lock-work"))) {
            ps.setString(1, shop);
            ps.setString(2, resource);
            try (ResultSet rs = ps.executeQuery()) {
                boolean held = rs.next();
                if (held) {
                    // with epoch millis: instances' logs can be laid side by side (WORK_LOCKS_LOG_LEVEL=DEBUG)
                    LOG.debug("work claimed {} {} at {}", shop, resource, System.currentTimeMillis());
                }
                return held;
            }
        }
    }

    private void createRow(Connection c, String shop, String resource) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.get("insert-work-lock"))) {
            ps.setString(1, shop);
            ps.setString(2, resource);
            ps.setString(3, shop);
            ps.setString(4, resource);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                throw e;
            }
        }
    }
}
