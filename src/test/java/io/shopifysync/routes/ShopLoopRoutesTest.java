package io.shopifysync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.db.Jdbc;
import io.shopifysync.sync.DeadLetters;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.TestDatabase;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * The per-shop loops of routes/access-scopes.yaml and routes/webhook-subscriptions.yaml on each database: the shops come
 * from sql: (INSTALLED only), each one is its own try, and one shop's failure never stops the others; a shop whose
 * scopes cannot be read is retried, then a dead letter (dead-letter-channel). Shopify is
 * replaced by fakes that answer as the test says.
 */
class ShopLoopRoutesTest {

    @BothDatabases
    void accessScopesAreReadForEveryInstalledShopAndOneFailureIsRetriedThenADeadLetterAndStopsNoOther(Dialect dialect)
            throws Exception {
        FakeScopes scopes = new FakeScopes(Set.of("b.myshopify.com"));
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open();
             RouteHarness h = RouteHarness.of("access-scopes.yaml", "dead-letter.yaml").property("scopes.check.interval.ms", 60_000)
                     .bind("dataSource", db.dataSource()).bind("accessScopes", scopes).tickedByHand("access-scopes-check")) {
            shops(db);
            h.start();
            h.tick("access-scopes-check");
            // dead-letter-channel: b is tried again twice (redeliveryPolicy), then its letter is written and c is read
            assertThat(scopes.calls).containsExactly("refresh a.myshopify.com", "refresh b.myshopify.com",
                    "refresh b.myshopify.com", "refresh b.myshopify.com", "refresh c.myshopify.com");
            List<DeadLetters.Letter> letters = new DeadLetters(new Jdbc(db), Clock.systemUTC()).list(null, true);
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).shop()).isEqualTo("b.myshopify.com");
            assertThat(letters.get(0).source()).isEqualTo("access-scopes");
            assertThat(letters.get(0).resource()).isNull();
            assertThat(letters.get(0).inboxId()).isNull();
            // the caught exception in DeadLetters.reason's wording
            assertThat(letters.get(0).reason()).isEqualTo("Shopify said no");
        }
    }

    @BothDatabases
    void subscriptionsHealEveryInstalledShopAndNewShopsOnce(Dialect dialect) throws Exception {
        FakeHealer healer = new FakeHealer(Set.of("b.myshopify.com"));
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open();
             RouteHarness h = RouteHarness.of("webhook-subscriptions.yaml").property("webhook.subscriptions.interval.ms", 60_000)
                     .bind("dataSource", db.dataSource()).bind("subscriptionHealer", healer)
                     .tickedByHand("webhook-subscriptions-heal").tickedByHand("webhook-subscriptions-heal-new")) {
            shops(db);
            h.start();
            h.tick("webhook-subscriptions-heal-new");
            assertThat(healer.calls).as("new shops: every installed one, b fails")
                    .containsExactly("heal a.myshopify.com", "heal b.myshopify.com", "new failed b.myshopify.com", "heal c.myshopify.com");
            healer.calls.clear();
            h.tick("webhook-subscriptions-heal-new");
            assertThat(healer.calls).as("healed shops are not new any more; b waits before its retry").isEmpty();

            h.tick("webhook-subscriptions-heal");
            assertThat(healer.calls).containsExactly("heal a.myshopify.com", "heal b.myshopify.com", "failed b.myshopify.com",
                    "heal c.myshopify.com");
            assertThat(healer.runs).hasValue(1);

            healer.configured = false;
            healer.calls.clear();
            h.tick("webhook-subscriptions-heal");
            h.tick("webhook-subscriptions-heal-new");
            assertThat(healer.calls).as("no public URL: nothing is subscribed").isEmpty();
            assertThat(healer.runs).as("the scheduled run still counts").hasValue(2);
        }
    }

    /** a, b, c INSTALLED (c checked before), d FROZEN, e UNINSTALLED. */
    static void shops(Database db) throws Exception {
        for (String[] s : new String[][] {{"a", "INSTALLED"}, {"b", "INSTALLED"}, {"c", "INSTALLED"}, {"d", "FROZEN"}, {"e", "UNINSTALLED"}}) {
            ShopRecheckRouteTest.insertShop(db, s[0] + ".myshopify.com", s[1], null);
        }
        ShopRecheckRouteTest.execute(db, "UPDATE shopify.shops SET subscriptions_checked_at = updated_at WHERE shop_domain = 'c.myshopify.com'");
    }

    /** Stands in for AccessScopes: Shopify refuses the shops it is given. */
    public static final class FakeScopes {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Set<String> refusing;

        FakeScopes(Set<String> refusing) {
            this.refusing = refusing;
        }

        public void refresh(String shop) {
            calls.add("refresh " + shop);
            if (refusing.contains(shop)) {
                throw new IllegalStateException("Shopify said no");
            }
        }
    }

    /** Stands in for SubscriptionHealer: heals by recording, fails the shops it is given, remembers the healed. */
    public static final class FakeHealer {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Set<String> failing;
        final Set<String> healed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final Set<String> retryLater = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicInteger runs = new AtomicInteger();
        volatile boolean configured = true;

        FakeHealer(Set<String> failing) {
            this.failing = failing;
        }

        public boolean configured() {
            return configured;
        }

        public boolean dueForFirstHeal(@Body Map<String, Object> row) {
            String shop = (String) row.get("shop_domain");
            return !healed.contains(shop) && !retryLater.contains(shop);
        }

        public List<String> heal(String shop) {
            calls.add("heal " + shop);
            if (failing.contains(shop)) {
                throw new IllegalStateException("could not create the subscriptions");
            }
            healed.add(shop);
            return List.of();
        }

        public void couldNotHeal(@ExchangeProperty("shop") String shop) {
            calls.add("failed " + shop);
        }

        public void couldNotHealNew(@ExchangeProperty("shop") String shop) {
            calls.add("new failed " + shop);
            retryLater.add(shop);
        }

        public void scheduledRunDone() {
            runs.incrementAndGet();
        }
    }
}
