package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.db.Jdbc;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.RouteFiles;
import io.shopifysync.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A bulk result cut off mid-stream (a crash, a dropped connection) resumes at the last committed line. */
class BulkIngestResumeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OP = "gid://shopify/BulkOperation/1";
    private static ShopifyEmulator emulator;
    private static EmulatedShop shop;
    private static byte[] result;
    private final Catalog catalog = Catalog.load();
    private final Resource products = catalog.resource("products");

    @BeforeAll
    static void bulkResultFromTheEmulator() {
        emulator = ShopifyEmulator.builder().port(0).shops(1).seed(7).orders(0).products(12).customers(0).plan("plus")
                .timeScale(0.01).start();
        shop = emulator.shops().get(0);
        EmulatorControl control = new EmulatorControl(emulator);
        String query = Catalog.load().resource("products").bulkQuery(null);
        JsonNode started = control.graphql(shop.domain(), shop.accessToken(),
                "mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }",
                "{\"q\":" + quote(query) + "}");
        String id = started.path("data").path("bulkOperationRunQuery").path("bulkOperation").path("id").asText();
        String[] url = new String[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode op = control.graphql(shop.domain(), shop.accessToken(),
                    "query($id: ID!) { bulkOperation(id: $id) { status url } }", "{\"id\":\"" + id + "\"}")
                    .path("data").path("bulkOperation");
            url[0] = op.path("url").asText(null);
            return "COMPLETED".equals(op.path("status").asText());
        });
        result = control.download(url[0]);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a test needs around one database: the ingest with small batches, and a shop in BACKFILL. */
    private record Fixture(Database db, BulkIngest ingest, SyncStateStore state, Digest digest, CamelContext camel)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            camel.close();
        }
    }

    private Fixture fixture(Database db) throws Exception {
        Jdbc jdbc = new Jdbc(db);
        SyncStateStore state = new SyncStateStore(jdbc, Clock.systemUTC());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        new Accounts(db, new TokenCipher(MasterKey.fromBase64(Base64.getEncoder().encodeToString(key))))
                .add(shop.domain(), shop.accessToken(), shop.adminUrl(), true);
        state.ensureRows("products");
        state.bulkStarted(shop.domain(), "products", OP, state.now(), 12L);
        // bad lines are recorded by the dead-letter route, as in the application
        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("dataSource", db.dataSource());
        RouteFiles.load(camel, "dead-letter.yaml");
        camel.start();
        BulkIngest ingest = new BulkIngest(new ResourceWriter(jdbc, new Upserts(catalog, db.dialect()), state),
                new DeadLetters(jdbc, Clock.systemUTC(), camel.createProducerTemplate()), 50);
        return new Fixture(db, ingest, state, new Digest(db, catalog), camel);
    }

    @BothDatabases
    void aCutResultResumesFromTheCommittedOffsetWithoutDuplicatesOrGaps(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open(); Fixture f = fixture(db)) {
            int cut = result.length * 2 / 3;
            assertThatThrownBy(() -> f.ingest().ingest(shop.domain(), products, OP, new Cut(result, cut), 0, 0))
                    .isInstanceOf(IOException.class);
            long committed = f.state().load(shop.domain(), "products").orElseThrow().bulkBytesDone();
            assertThat(committed).isPositive().isLessThanOrEqualTo(cut);
            assertThat(result[(int) committed - 1]).as("progress ends on a line boundary").isEqualTo((byte) '\n');

            // the server honours Range: only the rest is read
            f.ingest().ingest(shop.domain(), products, OP,
                    new ByteArrayInputStream(result, (int) committed, result.length - (int) committed), committed, 0);
            assertEqualsStore(f);
        }
    }

    @BothDatabases
    void aServerIgnoringRangeIsSkippedLocally(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open(); Fixture f = fixture(db)) {
            assertThatThrownBy(() -> f.ingest().ingest(shop.domain(), products, OP, new Cut(result, result.length / 2), 0, 0))
                    .isInstanceOf(IOException.class);
            long committed = f.state().load(shop.domain(), "products").orElseThrow().bulkBytesDone();
            f.ingest().ingest(shop.domain(), products, OP, new ByteArrayInputStream(result), committed, committed);
            assertEqualsStore(f);
        }
    }

    @BothDatabases
    void aBadLineIsDeadLetteredAndTheRestIsKept(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open(); Fixture f = fixture(db)) {
            byte[] withBadLine = ("{\"id\":\"gid://shopify/Product/5\"}\n{not json\n" + new String(result, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            BulkIngest.Result r = f.ingest().ingest(shop.domain(), products, OP, new ByteArrayInputStream(withBadLine), 0, 0);
            assertThat(r.deadLetters()).isEqualTo(2);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.dead_letters WHERE source = 'bulk-ingest'")).isEqualTo(2);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.dead_letters WHERE reason LIKE '%has no updatedAt%'")).isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.dead_letters WHERE payload = '{not json'")).isEqualTo(1);
            assertEqualsStore(f);
        }
    }

    /** The store's result, then a product line with {@code badField}, then 120 more products (ids 1000–1119). */
    private static byte[] resultWithABadProduct(String badField) {
        StringBuilder file = new StringBuilder(new String(result, StandardCharsets.UTF_8));
        file.append("{\"id\":\"gid://shopify/Product/999\",").append(badField).append(",\"updatedAt\":\"2026-01-01T00:00:00Z\"}\n");
        for (int i = 0; i < 120; i++) {
            file.append("{\"id\":\"gid://shopify/Product/").append(1000 + i).append("\",\"updatedAt\":\"2026-01-01T00:00:00Z\"}\n");
        }
        return file.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A value the database refuses (longer than its column) costs its row only: the row is dead-lettered with the
     * database's reason, and the rest of its batch and of the file is written, up to the file's last byte.
     */
    @BothDatabases
    void aValueTheDatabaseRefusesDeadLettersItsRowAndTheRestIsWritten(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open(); Fixture f = fixture(db)) {
            byte[] file = resultWithABadProduct("\"status\":\"" + "A".repeat(40) + "\"");
            BulkIngest.Result r = f.ingest().ingest(shop.domain(), products, OP, new ByteArrayInputStream(file), 0, 0);
            assertThat(r.deadLetters()).isEqualTo(1);
            assertThat(f.state().load(shop.domain(), "products").orElseThrow().bulkBytesDone()).isEqualTo(file.length);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.products WHERE id BETWEEN 1000 AND 1119")).isEqualTo(120);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.products WHERE id = 999")).isZero();
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.dead_letters WHERE source = 'bulk-ingest'"
                    + " AND reason LIKE 'the database refused the products row 999: %' AND payload LIKE '%AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%'"))
                    .isEqualTo(1);
        }
    }

    /** A NUL character, valid JSON that PostgreSQL's text and jsonb cannot hold, is a refused value too. */
    @Test
    void aNulCharacterPostgresqlCannotStoreDeadLettersItsRow() throws Exception {
        try (TestDatabase tdb = TestDatabase.create(Dialect.POSTGRESQL); Database db = tdb.open(); Fixture f = fixture(db)) {
            byte[] file = resultWithABadProduct("\"title\":\"nul \\u0000 inside\"");
            BulkIngest.Result r = f.ingest().ingest(shop.domain(), products, OP, new ByteArrayInputStream(file), 0, 0);
            assertThat(r.deadLetters()).isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.products WHERE id BETWEEN 1000 AND 1119")).isEqualTo(120);
            assertThat(count(db, "SELECT COUNT(*) FROM shopify.dead_letters WHERE reason LIKE 'the database refused the products row 999: %'"))
                    .isEqualTo(1);
        }
    }

    /**
     * A batch that fails for another reason than a value (here a trigger that raises) fails the run: the reader, a batch
     * ahead, stops at its next hand-over, nothing after the failed batch is written, and the progress is that of the
     * last batch that committed, so the next attempt starts there.
     */
    @Test
    void aBatchThatFailsForAnotherReasonStopsTheRunAtTheLastCommittedBatchOnPostgresql() throws Exception {
        try (TestDatabase tdb = TestDatabase.create(Dialect.POSTGRESQL); Database db = tdb.open(); Fixture f = fixture(db);
             Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE FUNCTION shopify.refuse_999() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF NEW.id = 999 THEN RAISE EXCEPTION 'product 999 is refused by the test'; END IF; RETURN NEW; END $$");
            st.execute("CREATE TRIGGER refuse_999 BEFORE INSERT OR UPDATE ON shopify.products FOR EACH ROW EXECUTE FUNCTION shopify.refuse_999()");
            try {
                byte[] file = resultWithABadProduct("\"status\":\"ACTIVE\"");
                int badLineStart = new String(result, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8).length;
                assertThatThrownBy(() -> f.ingest().ingest(shop.domain(), products, OP, new ByteArrayInputStream(file), 0, 0))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("refused by the test");
                long committed = f.state().load(shop.domain(), "products").orElseThrow().bulkBytesDone();
                assertThat(committed).as("the batches before the failed one committed").isPositive().isLessThanOrEqualTo(badLineStart);
                assertThat(count(db, "SELECT COUNT(*) FROM shopify.products WHERE id BETWEEN 999 AND 1119"))
                        .as("nothing from the failed batch on").isZero();
                assertThat(count(db, "SELECT COUNT(*) FROM shopify.products")).isEqualTo(
                        f.state().load(shop.domain(), "products").orElseThrow().rowsDone());
            } finally {
                // a recycled test database is checked for tables, not triggers: leave none behind
                st.execute("DROP TRIGGER refuse_999 ON shopify.products");
                st.execute("DROP FUNCTION shopify.refuse_999()");
            }
        }
    }

    private void assertEqualsStore(Fixture f) throws Exception {
        JsonNode ours = JSON.readTree(f.digest().computeJson(ShopDomain.parse(shop.domain())));
        JsonNode theirs = JSON.readTree(emulator.digest(shop.domain()));
        assertThat(ours.get("products")).isEqualTo(theirs.get("products"));
        assertThat(ours.get("product_variants")).isEqualTo(theirs.get("product_variants"));
        assertThat(f.state().load(shop.domain(), "products").orElseThrow().rowsDone()).as("roots counted once").isEqualTo(12);
    }

    private static long count(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A stream that fails after {@code limit} bytes, like a connection dropped or a process killed. */
    private static final class Cut extends InputStream {
        private final ByteArrayInputStream in;
        private int left;

        Cut(byte[] data, int limit) {
            this.in = new ByteArrayInputStream(data);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left-- <= 0) {
                throw new IOException("connection reset");
            }
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                throw new IOException("connection reset");
            }
            int n = in.read(b, off, Math.min(len, Math.min(left, 1000)));
            left -= Math.max(n, 0);
            return n;
        }
    }
}
