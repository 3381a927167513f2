package io.shopifysync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.db.Jdbc;
import io.shopifysync.shopify.ShopifyApiException;
import io.shopifysync.sync.DeadLetters;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.RouteFiles;
import io.shopifysync.testing.TestDatabase;
import java.time.Clock;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * routes/dead-letter.yaml on each database: the direct:dead-letter contract (properties in, one row out), the
 * dead-letter-channel configuration other route files name, and a letter recorded inside a caller's transaction.
 */
class DeadLetterRouteTest {

    private static final String SHOP = "letters.myshopify.com";

    private static CamelContext camel(Database db) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("dataSource", db.dataSource());
        DataSourceTransactionManager tx = new DataSourceTransactionManager(db.dataSource());
        camel.getRegistry().bind("PROPAGATION_REQUIRED", new SpringTransactionPolicy(new TransactionTemplate(tx)));
        RouteFiles.load(camel, "dead-letter.yaml");
        return camel;
    }

    private static List<DeadLetters.Letter> letters(Database db) {
        return new DeadLetters(new Jdbc(db), Clock.systemUTC()).list(null, true);
    }

    private static String payload(Database db, long id) {
        return new Jdbc(db).queryRaw("SELECT payload FROM shopify.dead_letters WHERE id = ?", rs -> rs.getString(1), id).get(0);
    }

    @BothDatabases
    void recordStoresTheCallersPropertiesReasonAndPayload(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open(); CamelContext camel = camel(db)) {
            camel.start();
            DeadLetters letters = new DeadLetters(new Jdbc(db), Clock.systemUTC(), camel.createProducerTemplate());
            letters.record(SHOP, "bulk-ingest", "products", "line 2: has no updatedAt", "{not json");
            letters.record(SHOP, "shop-recheck", null, "x".repeat(3000), null);

            List<DeadLetters.Letter> stored = letters(db);
            assertThat(stored).hasSize(2);
            DeadLetters.Letter first = stored.get(0);
            assertThat(first.shop()).isEqualTo(SHOP);
            assertThat(first.source()).isEqualTo("bulk-ingest");
            assertThat(first.resource()).isEqualTo("products");
            assertThat(first.reason()).isEqualTo("line 2: has no updatedAt");
            assertThat(first.inboxId()).isNull();
            assertThat(first.createdAt()).isNotNull();
            assertThat(payload(db, first.id())).isEqualTo("{not json");
            DeadLetters.Letter second = stored.get(1);
            assertThat(second.resource()).isNull();
            assertThat(second.reason()).as("truncated as record() always did").hasSize(1024).endsWith("…");
            assertThat(payload(db, second.id())).isNull();
        }
    }

    @BothDatabases
    void aWebhookLetterKeepsItsInboxIdAndTheCaughtExceptionIsTheReason(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open(); CamelContext camel = camel(db)) {
            camel.start();
            ProducerTemplate producer = camel.createProducerTemplate();
            Exchange done = producer.send("direct:dead-letter", ex -> {
                ex.setProperty("shop", SHOP);
                ex.setProperty("deadLetterSource", "webhook-process");
                ex.setProperty("resource", "orders");
                ex.setProperty("inboxId", 42L);
                // a failure as a deadLetterChannel hands it over; its wording must not carry what the answer said
                ex.setProperty(Exchange.EXCEPTION_CAUGHT, new ShopifyApiException(ShopifyApiException.Kind.QUERY_REJECTED, 400,
                        "HTTP 400 from the shop's API"));
                ex.getMessage().setBody("{\"id\":42}");
            });
            assertThat(done.getException()).isNull();
            DeadLetters.Letter letter = letters(db).get(0);
            assertThat(letter.inboxId()).isEqualTo(42L);
            assertThat(letter.source()).isEqualTo("webhook-process");
            assertThat(letter.reason()).isEqualTo("HTTP 400 from the shop's API");
            assertThat(payload(db, letter.id())).isEqualTo("{\"id\":42}");

            // any other exception is named by its type only (its message may quote a body or a URL)
            producer.send("direct:dead-letter", ex -> {
                ex.setProperty("shop", SHOP);
                ex.setProperty("deadLetterSource", "poll");
                ex.setProperty(Exchange.EXCEPTION_CAUGHT, new NullPointerException("token shpat_secret in here"));
            });
            assertThat(letters(db).get(1).reason()).isEqualTo("unexpected NullPointerException (details in the log)");
        }
    }

    @BothDatabases
    void aRouteNamingTheDeadLetterChannelRecordsItsFailureWithTheOriginalBody(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open(); CamelContext camel = camel(db)) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:failing").routeConfigurationId("dead-letter-channel")
                            .setProperty("shop", constant(SHOP))
                            .setProperty("deadLetterSource", constant("import"))
                            .setProperty("resource", constant("customers"))
                            .setBody(constant("changed by a step"))
                            .throwException(new ShopifyApiException(ShopifyApiException.Kind.QUERY_REJECTED, 200,
                                    "GraphQL errors from the shop's API: [BAD]"));
                }
            });
            camel.start();
            Exchange done = camel.createProducerTemplate().send("direct:failing", ex -> ex.getMessage().setBody("the page"));
            assertThat(done.getException()).as("handled by the dead-letter channel").isNull();
            DeadLetters.Letter letter = letters(db).get(0);
            assertThat(letter.source()).isEqualTo("import");
            assertThat(letter.resource()).isEqualTo("customers");
            assertThat(letter.reason()).isEqualTo("GraphQL errors from the shop's API: [BAD]");
            assertThat(payload(db, letter.id())).as("useOriginalMessage").isEqualTo("the page");
        }
    }

    @BothDatabases
    void insideACallersTransactionTheLetterIsRolledBackWithIt(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open(); CamelContext camel = camel(db)) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:in-transaction").transacted("PROPAGATION_REQUIRED")
                            .to("direct:dead-letter")
                            .throwException(new IllegalStateException("the rest of the transaction failed"));
                }
            });
            camel.start();
            Exchange done = camel.createProducerTemplate().send("direct:in-transaction", ex -> {
                ex.setProperty("shop", SHOP);
                ex.setProperty("deadLetterSource", "webhook-process");
                ex.setProperty("deadLetterReason", "poison");
                ex.setProperty("inboxId", 7L);
            });
            assertThat(done.getException()).isNotNull();
            assertThat(letters(db)).as("the letter joined the caller's transaction").isEmpty();
        }
    }
}
