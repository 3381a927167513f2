package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.db.Jdbc;
import io.shopifysync.shopify.ShopifyApiException;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.RouteFiles;
import io.shopifysync.testing.TestDatabase;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

class ShopHealthTest {

    private static final String SHOP = "health.myshopify.com";

    @BothDatabases
    void aRefusalAnsweredBeforeTheShopWasAddedAgainLeavesTheNewInstallationAlone(Dialect dialect) throws Exception {
        try (Fixture f = new Fixture(dialect)) {
            f.accounts.add(SHOP, "shpat_old_installation", null);
            f.health.permanentFailure(SHOP, "orders", refused(), "poll-orders");
            assertThat(status(f.db)).isEqualTo("AUTH_FAILED");

            // a poll in flight got its 401 with the old token, then the operator added the new token
            ShopifyApiException answeredBeforeReAdd = refused();
            awaitClockTick(answeredBeforeReAdd);
            f.accounts.add(SHOP, "shpat_new_installation", null);
            f.health.permanentFailure(SHOP, "products", answeredBeforeReAdd, "poll-products");
            assertThat(status(f.db)).as("an answer about the previous installation").isEqualTo("INSTALLED");

            f.health.permanentFailure(SHOP, "products", refused(), "poll-products");
            assertThat(status(f.db)).as("a refusal of the current installation").isEqualTo("AUTH_FAILED");
            assertThat(new DeadLetters(f.jdbc, Clock.systemUTC()).list(SHOP, true)).as("one letter per change of status").hasSize(2);
        }
    }

    @BothDatabases
    void aRefusalOfATokenReplacedAfterTheCallLeavesTheShopAlone(Dialect dialect) throws Exception {
        try (Fixture f = new Fixture(dialect)) {
            f.accounts.add(SHOP, "shpat_static", null);
            ShopCredentials beforeMigration = f.accounts.credentials(SHOP).orElseThrow();

            // another process exchanges the static token for an expiring pair while a poll's call with the static token is out
            f.accounts.migrateToExpiring(beforeMigration.shop(), "shpat_expiring", "shprt_1", OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));
            ShopCredentials migrated = f.accounts.credentials(SHOP).orElseThrow();
            assertThat(migrated.tokenVersion()).isGreaterThan(beforeMigration.tokenVersion());
            f.health.permanentFailure(SHOP, "orders", refused().calledWith(beforeMigration.tokenVersion()), "poll-orders");
            assertThat(status(f.db)).as("a refusal of the static token answered after the migration").isEqualTo("INSTALLED");

            // a refresh stores a new pair while a call with the previous access token is out
            f.accounts.updateTokens(migrated.shop(), "shpat_refreshed", "shprt_2", OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));
            f.health.permanentFailure(SHOP, "orders", refused().calledWith(migrated.tokenVersion()), "poll-orders");
            assertThat(status(f.db)).as("a refusal of the token a refresh replaced").isEqualTo("INSTALLED");

            // the refused token is the one stored now: that is the shop's answer
            ShopCredentials current = f.accounts.credentials(SHOP).orElseThrow();
            f.health.permanentFailure(SHOP, "orders", refused().calledWith(current.tokenVersion()), "poll-orders");
            assertThat(status(f.db)).isEqualTo("AUTH_FAILED");

            // sent with that token, answered after the operator added a new one: the answer is newer than the installation,
            // the token is not
            f.accounts.add(SHOP, "shpat_new_installation", null);
            org.awaitility.Awaitility.await().until(() -> java.time.Instant.now().isAfter(installedAt(f.db).toInstant().plusMillis(1)));
            ShopifyApiException answeredAfterReAdd = refused().calledWith(current.tokenVersion());
            assertThat(answeredAfterReAdd.answeredAt()).isAfter(installedAt(f.db).toInstant());
            f.health.permanentFailure(SHOP, "products", answeredAfterReAdd, "poll-products");
            assertThat(status(f.db)).as("a late refusal of the previous installation's token").isEqualTo("INSTALLED");
            assertThat(new DeadLetters(f.jdbc, Clock.systemUTC()).list(SHOP, true)).as("only the real refusal is a letter").hasSize(1);
        }
    }

    /** A database, the dead-letter route that records letters, and ShopHealth over them. */
    private static final class Fixture implements AutoCloseable {
        final TestDatabase tdb;
        final Database db;
        final CamelContext camel = new DefaultCamelContext();
        final Accounts accounts;
        final Jdbc jdbc;
        final ShopHealth health;

        Fixture(Dialect dialect) throws Exception {
            tdb = TestDatabase.create(dialect);
            db = tdb.open();
            camel.getRegistry().bind("dataSource", db.dataSource());
            RouteFiles.load(camel, "dead-letter.yaml");
            camel.start();
            accounts = new Accounts(db, cipher());
            jdbc = new Jdbc(db);
            health = new ShopHealth(jdbc, new DeadLetters(jdbc, Clock.systemUTC(), camel.createProducerTemplate()), Clock.systemUTC());
        }

        @Override
        public void close() throws Exception {
            camel.close();
            db.close();
            tdb.close();
        }
    }

    private static ShopifyApiException refused() {
        return new ShopifyApiException(ShopifyApiException.Kind.AUTH_FAILED, 401, "access denied: HTTP 401");
    }

    /** The re-add must be stamped strictly after the answer, as it is when a person runs accounts add. */
    private static void awaitClockTick(ShopifyApiException answer) {
        org.awaitility.Awaitility.await().until(() -> java.time.Instant.now().isAfter(answer.answeredAt().plusMillis(1)));
    }

    private static OffsetDateTime installedAt(Database db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT installed_at FROM shopify.shops WHERE shop_domain = '" + SHOP + "'")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class);
        }
    }

    private static String status(Database db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status FROM shopify.shops WHERE shop_domain = '" + SHOP + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static TokenCipher cipher() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return new TokenCipher(MasterKey.fromBase64(Base64.getEncoder().encodeToString(raw)));
    }
}
