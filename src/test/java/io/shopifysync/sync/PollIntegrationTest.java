package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.SyncHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.spi.IdempotentRepository;
import org.junit.jupiter.api.io.TempDir;

/** Polling makes the database converge on the store while it changes under 10% faults, with no webhooks at all. */
class PollIntegrationTest {

    private static final int POLL_MS = 4000;

    @TempDir
    Path dataDir;

    @BothDatabases
    void convergesWithinTwoPollIntervalsAfterChurnStops(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(21).orders(30).products(12).customers(20)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("poll.interval.ms", Integer.toString(POLL_MS),
                     "reconcile.interval.ms", "0", "sync.overlap.seconds", "5")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            String base = "/_emulator/shops/" + shop.domain();
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));

            control.call("PUT", base + "/faults", "{\"errorRate\":0.1,\"errorStatus\":503}");
            for (String resource : new String[] {"orders", "products", "customers"}) {
                control.call("POST", base + "/" + resource + "/churn",
                        "{\"createPerSecond\":1,\"updatePerSecond\":3,\"deletePerSecond\":0.5}");
            }
            // the poller keeps up while the store changes: rows changed after the import arrive
            long importedOrders = sync.count("SELECT COUNT(*) FROM shopify.orders");
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    sync.count("SELECT COUNT(*) FROM shopify.orders") >= importedOrders + 3
                            && sync.count("SELECT COUNT(*) FROM shopify.products WHERE deleted_at IS NOT NULL") >= 1
                            && sync.count("SELECT COUNT(*) FROM shopify.customers WHERE deleted_at IS NOT NULL") >= 1);
            for (String resource : new String[] {"orders", "products", "customers"}) {
                control.call("DELETE", base + "/" + resource + "/churn", null);
            }
            long stopped = System.nanoTime();
            await().atMost(Duration.ofMillis(2L * POLL_MS)).pollInterval(Duration.ofMillis(100))
                    .until(() -> sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain())));
            System.out.printf("converged %.1f s after the mutations stopped (poll interval %d ms)%n",
                    (System.nanoTime() - stopped) / 1e9, POLL_MS);
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
        }
    }

    @BothDatabases
    void aWindowLargerThanOnePollCanReadContinuesWhereTheLastPollStopped(Dialect dialect) throws Exception {
        // a budget of one page per poll, and three pages of changes inside the overlap window: re-reading the
        // window from (mark - overlap) at every poll would return the same first page forever
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(23).orders(5).products(3).customers(5)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("poll.interval.ms", "300",
                     "poll.budget.seconds", "0", "poll.catch-up.threshold", "0", "sync.overlap.seconds", "120",
                     "reconcile.interval.ms", "0")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/customers/create", "{\"count\":700}");

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain())));
            await().atMost(Duration.ofSeconds(10)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.sync_state "
                    + "WHERE resource = 'customers' AND poll_cursor IS NULL AND poll_window_from IS NULL") == 1);
        }
    }

    @BothDatabases
    void aLargeCatchUpUsesAFilteredBulkOperation(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(22).orders(10).products(3).customers(10)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("poll.interval.ms", "500",
                     "poll.catch-up.threshold", "20", "sync.overlap.seconds", "1")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            // the emulator creates the burst one customer at a time: a poll between two of them would page a part, and
            // the next poll counts only what it has not read
            holdPolls(sync, shop.domain(), "customers");
            afterTheMarksSecond(sync, shop.domain(), "customers");
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/customers/create", "{\"count\":50}");
            releasePolls(sync, "customers");

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain())));
            long filteredBulk = 0;
            for (var op : control.call("GET", "/_emulator/shops/" + shop.domain() + "/bulk", null).path("bulkOperations")) {
                filteredBulk += op.path("query").asText().contains("customers(query: \"updated_at:>=") ? 1 : 0;
            }
            assertThat(filteredBulk).as("the 50 new customers came through one filtered bulk operation").isEqualTo(1);
        }
    }

    /**
     * A bulk catch-up carries each changed product with all of its variants: a variant the store removed meanwhile
     * (product updates here drop the last variant about one time in four) must be tombstoned, as a polled page does.
     * The catch-up starts more than the overlap after the updates, so no later poll reads those products again.
     */
    @BothDatabases
    void aLargeCatchUpTombstonesTheChildrenTheStoreRemoved(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(23).orders(5).products(40).customers(5)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("poll.interval.ms", "3000",
                     "poll.catch-up.threshold", "20", "sync.overlap.seconds", "1")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            // no poll between two of the updates (it would page a part, and the next poll counts only the rest)
            holdPolls(sync, shop.domain(), "products");
            afterTheMarksSecond(sync, shop.domain(), "products");
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/products/update", "{\"count\":40}");
            releasePolls(sync, "products");

            await().atMost(Duration.ofSeconds(30)).until(() -> bulkCatchUps(control, shop, "products") >= 1 && sync.allIncremental(shop.domain()));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain())));
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.product_variants WHERE deleted_at IS NOT NULL"))
                    .as("variants the updates removed are tombstoned").isPositive();
        }
    }

    /**
     * Stops the resource's poll ticks and waits until no poll of the shop runs or waits: nothing reads the store while
     * the test changes it. (Suspending the poll route itself forced a running poll to stop after the 3 s shutdown
     * timeout, and the test then waited for polls that did not come.)
     */
    private static void holdPolls(SyncHarness sync, String shop, String resource) throws Exception {
        sync.app().context().getRouteController().suspendRoute("poll-" + resource + "-tick");
        IdempotentRepository queue = sync.app().context().getRegistry().lookupByNameAndType("pollQueue", IdempotentRepository.class);
        await().atMost(Duration.ofSeconds(30)).during(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(50))
                .until(() -> !queue.contains(resource + "/" + shop));
    }

    private static void releasePolls(SyncHarness sync, String resource) throws Exception {
        sync.app().context().getRouteController().resumeRoute("poll-" + resource + "-tick");
    }

    /**
     * Waits out the second of the resource's high-water mark: a bulk operation's createdAt has whole seconds, so a poll
     * counts what changed within that second as already read (it still pages it), and a burst there is no catch-up.
     */
    private static void afterTheMarksSecond(SyncHarness sync, String shop, String resource) {
        java.time.OffsetDateTime mark = new SyncStateStore(new io.shopifysync.db.Jdbc(sync.db()), java.time.Clock.systemUTC())
                .pollState(shop, resource).orElseThrow().highWaterMark();
        await().atMost(Duration.ofSeconds(5)).until(() -> java.time.OffsetDateTime.now().isAfter(Poller.secondAfter(mark)));
    }

    private static long bulkCatchUps(EmulatorControl control, EmulatedShop shop, String connection) {
        long n = 0;
        for (var op : control.call("GET", "/_emulator/shops/" + shop.domain() + "/bulk", null).path("bulkOperations")) {
            n += op.path("query").asText().contains(connection + "(query: \"updated_at:>=") ? 1 : 0;
        }
        return n;
    }

    /**
     * Shopify's counts stop at 10,000 (precision AT_LEAST) unless asked with {@code limit: null}; here the emulator stops
     * at 50, below the catch-up threshold of 60, so a capped count could never ask for the bulk catch-up of 100 changes.
     */
    @BothDatabases
    void aCountAboveShopifysCountLimitStillSizesTheImportAndTriggersTheBulkCatchUp(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(24).orders(10).products(3).customers(80)
                .countLimit(50).plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("poll.interval.ms", "500",
                     "poll.catch-up.threshold", "60", "sync.overlap.seconds", "1")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            String customersTotal = "SELECT rows_total FROM shopify.sync_state WHERE resource = 'customers' AND shop_domain = '"
                    + shop.domain() + "'";
            assertThat(sync.count(customersTotal)).as("the import's progress total is the store's count").isEqualTo(80);

            // the emulator creates the burst one customer at a time: a poll between two of them would page a part
            holdPolls(sync, shop.domain(), "customers");
            afterTheMarksSecond(sync, shop.domain(), "customers");
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/customers/create", "{\"count\":100}");
            releasePolls(sync, "customers");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain())));
            long filteredBulk = 0;
            for (var op : control.call("GET", "/_emulator/shops/" + shop.domain() + "/bulk", null).path("bulkOperations")) {
                filteredBulk += op.path("query").asText().contains("customers(query: \"updated_at:>=") ? 1 : 0;
            }
            assertThat(filteredBulk).as("the 100 changed customers came through one filtered bulk operation").isEqualTo(1);
            assertThat(sync.count(customersTotal)).as("the catch-up's progress total is the real count").isEqualTo(100);
        }
    }
}
