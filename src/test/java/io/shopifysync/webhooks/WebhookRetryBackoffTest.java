package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.db.Jdbc;
import io.shopifysync.lifecycle.ShopData;
import io.shopifysync.shopify.ShopifyGraphql;
import io.shopifysync.shopify.Throttles;
import io.shopifysync.shopify.TokenRefresher;
import io.shopifysync.sync.DeadLetters;
import io.shopifysync.sync.Pager;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delivery that fails transiently waits out an exponential, jittered, capped backoff before it is claimed again; the
 * claim and the shops-with-work query respect it, and a dead letter's replay is due at once. Time is an injected clock.
 */
class WebhookRetryBackoffTest {

    private static final String SHOP = "backoff.myshopify.com";

    @TempDir
    Path dataDir;

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private Instant now;

        HandClock(Instant now) {
            this.now = now;
        }

        void set(OffsetDateTime t) {
            now = t.toInstant();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private record Row(String status, int attempts, OffsetDateTime nextAttemptAt) {
    }

    private static Row row(Jdbc jdbc, long id) {
        return jdbc.queryRaw("SELECT status, attempts, next_attempt_at FROM shopify.webhook_inbox WHERE id = ?",
                rs -> new Row(rs.getString(1), rs.getInt(2), rs.getObject(3, OffsetDateTime.class)), id).get(0);
    }

    @BothDatabases
    void aFailedDeliveryIsNotClaimedBeforeItsBackoffRanOutAndIsAfter(Dialect dialect) throws Exception {
        OffsetDateTime t0 = OffsetDateTime.parse("2026-12-01T10:00:00Z");
        HandClock clock = new HandClock(t0.toInstant());
        AtomicInteger storeCalls = new AtomicInteger();
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open();
             CamelContext camel = new DefaultCamelContext()) {
            // the store answers without data: a transient failure, every time (direct:shopify-graphql's typed failure)
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:shopify-graphql").process(e -> {
                        storeCalls.incrementAndGet();
                        throw new io.shopifysync.shopify.ShopifyApiException(io.shopifysync.shopify.ShopifyApiException.Kind.TRANSIENT,
                                200, "answer without data");
                    });
                }
            });
            camel.start();
            Jdbc jdbc = new Jdbc(db);
            Accounts accounts = new Accounts(db, TokenCipher.forConfig(tdb.config(dataDir, Map.of())));
            accounts.add(SHOP, "shpat_backoff", "http://127.0.0.1:9", true);
            Pager pager = new Pager(new ShopifyGraphql(camel.createProducerTemplate(), new Throttles(), "2026-10",
                    new TokenRefresher(accounts, null, null, Duration.ofMinutes(5), clock)));
            Catalog catalog = Catalog.load();
            WebhookProcessor processor = new WebhookProcessor(jdbc, new ShopData(jdbc, catalog, clock), catalog, accounts, pager,
                    null, clock, 10, 4, new WebhookProcessor.Backoff(Duration.ofSeconds(10), Duration.ofSeconds(25)), new Random(7));
            try (java.sql.Connection c = db.dataSource().getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO shopify.webhook_inbox (event_key, topic, shop_domain, object_id, headers, body, received_at,"
                            + " status) VALUES ('ev-1', 'orders/updated', ?, 42, '{}', '{\"id\":42}', ?, 'NEW')")) {
                ps.setString(1, SHOP);
                ps.setObject(2, t0);
                ps.executeUpdate();
            }
            long id = jdbc.queryRaw("SELECT id FROM shopify.webhook_inbox", rs -> rs.getLong(1)).get(0);

            assertThat(processor.shopsWithWork()).containsExactly(SHOP);
            processor.processShop(SHOP);
            Row first = row(jdbc, id);
            assertThat(first.status()).isEqualTo("NEW");
            assertThat(first.attempts()).isEqualTo(1);
            assertThat(storeCalls.get()).isEqualTo(1);
            // attempt 1 failed: 10 s, less up to half of it
            assertThat(first.nextAttemptAt()).isBetween(t0.plusSeconds(5), t0.plusSeconds(10));

            // not due: neither listed nor claimed, however often the processor runs
            clock.set(first.nextAttemptAt().minusNanos(1_000_000));
            assertThat(processor.shopsWithWork()).isEmpty();
            processor.processShop(SHOP);
            assertThat(row(jdbc, id).attempts()).as("claimed before its backoff ran out").isEqualTo(1);
            assertThat(storeCalls.get()).isEqualTo(1);

            // due: listed and claimed, and the next wait doubles
            clock.set(first.nextAttemptAt());
            assertThat(processor.shopsWithWork()).containsExactly(SHOP);
            processor.processShop(SHOP);
            Row second = row(jdbc, id);
            assertThat(second.attempts()).isEqualTo(2);
            assertThat(storeCalls.get()).isEqualTo(2);
            assertThat(second.nextAttemptAt()).isBetween(first.nextAttemptAt().plusSeconds(10), first.nextAttemptAt().plusSeconds(20));

            // the third wait is capped at 25 s (not 40)
            clock.set(second.nextAttemptAt());
            processor.processShop(SHOP);
            Row third = row(jdbc, id);
            assertThat(third.attempts()).isEqualTo(3);
            assertThat(third.nextAttemptAt()).isBetween(second.nextAttemptAt().plus(Duration.ofMillis(12_500)), second.nextAttemptAt().plusSeconds(25));

            // the fourth attempt is the last: dead-lettered, no backoff left
            clock.set(third.nextAttemptAt());
            processor.processShop(SHOP);
            Row dead = row(jdbc, id);
            assertThat(dead.status()).isEqualTo("DEAD");
            assertThat(dead.nextAttemptAt()).isNull();
            assertThat(storeCalls.get()).isEqualTo(4);

            // a replay is due at once, with no wait left over from the failures
            DeadLetters letters = new DeadLetters(jdbc, clock);
            DeadLetters.Letter letter = letters.list(SHOP, false).get(0);
            assertThat(letters.replay(letter).outcome()).isEqualTo(DeadLetters.ReplayOutcome.REPLAYED);
            assertThat(row(jdbc, id)).isEqualTo(new Row("NEW", 0, null));
            assertThat(processor.shopsWithWork()).containsExactly(SHOP);
            processor.processShop(SHOP);
            assertThat(row(jdbc, id).attempts()).isEqualTo(1);
            assertThat(storeCalls.get()).isEqualTo(5);
        }
    }

    @Test
    void theBackoffDoublesFromTheBaseUpToTheCapWithJitterOfAtMostHalf() {
        WebhookProcessor.Backoff backoff = new WebhookProcessor.Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5));
        Random random = new Random(1);
        long[] full = {2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000};
        for (int attempt = 1; attempt <= full.length; attempt++) {
            for (int i = 0; i < 200; i++) {
                long ms = backoff.after(attempt, random).toMillis();
                assertThat(ms).as("attempt " + attempt).isBetween(full[attempt - 1] / 2, full[attempt - 1]);
            }
        }
        assertThat(backoff.after(Integer.MAX_VALUE, random).toMillis()).isBetween(150_000L, 300_000L);
    }
}
