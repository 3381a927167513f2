package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.SyncHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import converges through the faults a real store throws at it. */
class ImportFaultsIntegrationTest {

    @TempDir
    Path dataDir;

    @BothDatabases
    void convergesThrough5xxThrottlePressureAndPartialBulkResultsWhileADeniedShopIsSetAside(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(2).seed(11).orders(40).products(12).customers(30)
                .plan("advanced").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of())) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatedShop denied = emu.shops().get(1);
            EmulatorControl control = new EmulatorControl(emu);
            control.call("PUT", "/_emulator/shops/" + shop.domain() + "/faults",
                    "{\"errorRate\":0.1,\"errorStatus\":503,\"bulkFailAfterObjects\":100}");
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/throttle/drain", "{\"available\":0}");
            // the app lacks an access scope on this store: its bulk operations fail at once with ACCESS_DENIED
            control.call("PUT", "/_emulator/shops/" + denied.domain() + "/faults",
                    "{\"bulkFailAfterObjects\":0,\"bulkErrorCode\":\"ACCESS_DENIED\"}");
            sync.start();
            sync.register(shop);
            sync.register(denied);

            await().atMost(Duration.ofSeconds(90)).until(() -> sync.allIncremental(shop.domain()));
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
            JsonAssert.bulkOperationsFailed(control, shop.domain());
            // progress counts each object once, across partial results, their continuations and restarts
            assertThat(sync.texts("SELECT resource || ' ' || rows_done || '/' || rows_total FROM shopify.sync_state WHERE shop_domain = '"
                    + shop.domain() + "' AND rows_done <> rows_total")).as("resources whose progress is not their store count").isEmpty();

            // ACCESS_DENIED is about what a query reads: each refused resource is paused, the shop stays INSTALLED
            int resources = io.shopifysync.catalog.Catalog.load().resources().size();
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.sync_state WHERE shop_domain = '"
                    + denied.domain() + "' AND paused_reason LIKE 'ACCESS_DENIED%'") == resources);
            assertThat(shopStatus(sync, denied.domain())).isEqualTo("INSTALLED");
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters WHERE shop_domain = '" + denied.domain()
                    + "' AND reason LIKE '%ACCESS_DENIED%'")).isEqualTo(resources);
            assertThat(sync.allIncremental(denied.domain())).isFalse();
        }
    }

    @BothDatabases
    void reEnablingADeniedShopResumesItsPausedResourcesWithoutANewDeadLetter(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(13).orders(20).products(6).customers(15)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of())) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            String faults = "/_emulator/shops/" + shop.domain() + "/faults";
            control.call("PUT", faults, "{\"bulkFailAfterObjects\":0,\"bulkErrorCode\":\"ACCESS_DENIED\"}");
            sync.start();
            sync.register(shop);
            String letters = "SELECT COUNT(*) FROM shopify.dead_letters WHERE shop_domain = '" + shop.domain() + "'";
            int resources = io.shopifysync.catalog.Catalog.load().resources().size();
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.sync_state WHERE shop_domain = '"
                    + shop.domain() + "' AND paused_at IS NOT NULL") == resources && sync.count(letters) == resources);
            assertThat(sync.count(letters + " AND reason LIKE '%ACCESS_DENIED%'")).as("one per paused resource").isEqualTo(resources);

            // the operator grants the missing scope, then re-enables the shop as accounts add does
            control.call("DELETE", faults, null);
            HttpResponse<String> added = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sync.httpBase() + "/admin/shops"))
                    .header("Authorization", "Bearer test-admin-token").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"shop\":\"" + shop.domain() + "\",\"token\":\"" + shop.accessToken()
                            + "\",\"apiUrl\":\"" + shop.adminUrl() + "\",\"allowInsecureApiUrl\":true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(added.statusCode()).as(added.body()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops WHERE status = 'INSTALLED'")).isEqualTo(1);
            assertThat(sync.count(letters)).as("the original dead letters only").isEqualTo(resources);
        }
    }

    /** The digest without one resource's key (the resource that is paused). */
    private static JsonNode without(JsonNode digest, String key) {
        ObjectNode copy = digest.deepCopy();
        copy.remove(key);
        return copy;
    }

    private static String shopStatus(SyncHarness sync, String shop) throws Exception {
        try (var c = sync.db().dataSource().getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT status FROM shopify.shops WHERE shop_domain = '" + shop + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The resource's pause reason; null when it is not paused (or before sync_state had one). */
    private static String pausedReason(SyncHarness sync, String shop, String resource) {
        try (var c = sync.db().dataSource().getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT paused_reason FROM shopify.sync_state WHERE shop_domain = '" + shop
                     + "' AND resource = '" + resource + "'")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    private static boolean othersIncremental(SyncHarness sync, String shop, String paused) throws Exception {
        return sync.count("SELECT COUNT(*) FROM shopify.sync_state WHERE shop_domain = '" + shop + "' AND resource <> '" + paused
                + "' AND phase = 'INCREMENTAL'") == io.shopifysync.catalog.Catalog.load().resources().size() - 1;
    }

    @BothDatabases
    void customersWithoutProtectedDataApprovalArePausedAloneAndResumeWhenTheShopIsAddedAgain(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(31).orders(25).products(8).customers(20)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("poll.interval.ms", "300"))) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            // approved for customer data and email, not for names: orders read fine, customers are refused
            control.call("PUT", "/_emulator/shops/" + shop.domain() + "/protected-customer-data", "{\"level\":2,\"fields\":[\"email\"]}");
            sync.start();
            sync.register(shop);

            await().atMost(Duration.ofSeconds(60)).until(() -> !"INSTALLED".equals(shopStatus(sync, shop.domain()))
                    || othersIncremental(sync, shop.domain(), "customers") && pausedReason(sync, shop.domain(), "customers") != null);
            assertThat(shopStatus(sync, shop.domain())).as("one resource denied must not stop the shop").isEqualTo("INSTALLED");
            assertThat(pausedReason(sync, shop.domain(), "customers")).contains("ACCESS_DENIED").contains("protected customer data");
            // the others keep syncing: a change in the store arrives through polling
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/orders/update", "{\"count\":3}");
            await().atMost(Duration.ofSeconds(30)).until(() -> without(sync.databaseDigest(shop.domain()), "customers")
                    .equals(without(SyncHarness.emulatorDigest(emu, shop.domain()), "customers")));
            String letters = "SELECT COUNT(*) FROM shopify.dead_letters WHERE shop_domain = '" + shop.domain() + "'";
            assertThat(sync.count(letters)).as("one dead letter for the pause, not one per attempt").isEqualTo(1);
            assertThat(sync.count(letters + " AND resource = 'customers' AND reason LIKE '%ACCESS_DENIED%'")).isEqualTo(1);
            var report = new io.shopifysync.status.StatusReport(sync.db(), io.shopifysync.catalog.Catalog.load(), java.time.Clock.systemUTC())
                    .build().entries();
            assertThat(report).filteredOn(e -> "customers".equals(e.resource())).singleElement()
                    .satisfies(e -> assertThat(e.pausedReason()).contains("ACCESS_DENIED"));
            assertThat(report).filteredOn(e -> !"customers".equals(e.resource())).allSatisfy(e -> assertThat(e.pausedReason()).isNull());

            // the merchant approves the fields; the operator adds the shop again
            control.call("PUT", "/_emulator/shops/" + shop.domain() + "/protected-customer-data", "{\"level\":2}");
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain())
                    && sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain())));
            assertThat(pausedReason(sync, shop.domain(), "customers")).isNull();
            assertThat(sync.count(letters)).isEqualTo(1);
        }
    }

    @BothDatabases
    void aResourceDeniedWhilePollingPausesAndTheResumeCommandContinuesFromItsMark(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(32).orders(10).products(4).customers(10)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(io.shopifysync.testing.TestDatabase.create(dialect, dataDir), dataDir, // H2 as a file the CLI opens too
                     Map.of("poll.interval.ms", "300", "shopify.client.secret", WEBHOOK_SECRET, "webhook.process.interval.ms", "200")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            // the approval is withdrawn: the Customer object is refused (and the customer of an order with it)
            control.call("PUT", "/_emulator/shops/" + shop.domain() + "/protected-customer-data", "{\"level\":0}");
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/customers/update", "{\"count\":4}");
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/products/update", "{\"count\":2}");
            // an order read now brings its customer, which is refused too: orders pause (order_transactions do not)
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/orders/update", "{\"count\":2}");
            await().atMost(Duration.ofSeconds(30)).until(() -> !"INSTALLED".equals(shopStatus(sync, shop.domain()))
                    || pausedReason(sync, shop.domain(), "customers") != null && pausedReason(sync, shop.domain(), "orders") != null);
            assertThat(shopStatus(sync, shop.domain())).isEqualTo("INSTALLED");
            assertThat(pausedReason(sync, shop.domain(), "products")).isNull();
            assertThat(pausedReason(sync, shop.domain(), "order_transactions")).isNull();
            assertThat(pausedReason(sync, shop.domain(), "customers")).contains("ACCESS_DENIED").contains("Customer object");
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.databaseDigest(shop.domain()).path("products")
                    .equals(SyncHarness.emulatorDigest(emu, shop.domain()).path("products")));
            // a webhook for the paused resource is taken in and set aside without a dead letter: the poll re-reads its change on resume
            long customerId = sync.count("SELECT MIN(id) FROM shopify.customers WHERE shop_domain = '" + shop.domain() + "'");
            ObjectNode update = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Files.readString(
                    io.shopifysync.testing.Fixtures.dir().resolve("webhooks/customers-update.json")).replace("706405506930370084",
                    Long.toString(customerId)));
            update.put("updated_at", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).toString());
            assertThat(deliver(sync, shop.domain(), "customers/update", update.toString())).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox WHERE shop_domain = '"
                    + shop.domain() + "' AND status IN ('NEW', 'CLAIMED')") == 0);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox WHERE status = 'DEAD'")).isZero();
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters WHERE shop_domain = '" + shop.domain() + "'"))
                    .as("one per paused resource (customers, orders)").isEqualTo(2);
            String mark = "SELECT COUNT(*) FROM shopify.sync_state WHERE shop_domain = '" + shop.domain()
                    + "' AND resource = 'customers' AND phase = 'INCREMENTAL' AND high_water_mark IS NOT NULL";
            assertThat(sync.count(mark)).as("the paused resource keeps its phase and mark").isEqualTo(1);

            var listed = io.shopifysync.testing.CliProcess.run(dataDir, resumeEnv(sync), "accounts", "list");
            assertThat(listed.exitCode()).as(listed.err()).isZero();
            assertThat(listed.out()).contains("PAUSED RESOURCES").contains("customers: ACCESS_DENIED").contains("orders: ACCESS_DENIED");
            var status = io.shopifysync.testing.CliProcess.run(dataDir, resumeEnv(sync), "status");
            assertThat(status.out()).contains("PAUSED").contains("paused: ACCESS_DENIED");

            control.call("PUT", "/_emulator/shops/" + shop.domain() + "/protected-customer-data", "{\"level\":2}");
            var resumed = io.shopifysync.testing.CliProcess.run(dataDir, resumeEnv(sync), "accounts", "resume", "--shop", shop.domain(),
                    "--resource", "customers");
            assertThat(resumed.exitCode()).as(resumed.err()).isZero();
            assertThat(resumed.out()).contains("customers");
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.databaseDigest(shop.domain()).path("customers")
                    .equals(SyncHarness.emulatorDigest(emu, shop.domain()).path("customers")));
            assertThat(pausedReason(sync, shop.domain(), "orders")).as("only the named resource resumed").isNotNull();
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.sync_state WHERE shop_domain = '" + shop.domain()
                    + "' AND resource = 'customers' AND phase = 'BACKFILL'")).as("resumed from its mark, not re-imported").isZero();
            var resumeAll = io.shopifysync.testing.CliProcess.run(dataDir, resumeEnv(sync), "accounts", "resume", "--shop", shop.domain());
            assertThat(resumeAll.exitCode()).as(resumeAll.err()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain())));
            var bad = io.shopifysync.testing.CliProcess.run(dataDir, resumeEnv(sync), "accounts", "resume", "--shop", shop.domain(),
                    "--resource", "invoices");
            assertThat(bad.exitCode()).isNotZero();
            assertThat(bad.err()).contains("invoices");
        }
    }

    private static final String WEBHOOK_SECRET = "whsec_access";

    /** A signed delivery as Shopify sends it; the answer's status. */
    private static int deliver(SyncHarness sync, String shop, String topic, String body) throws Exception {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(sync.httpBase() + "/webhooks/shopify"))
                .header("Content-Type", "application/json").header("X-Shopify-Topic", topic)
                .header("X-Shopify-Shop-Domain", shop).header("X-Shopify-API-Version", "2026-10")
                .header("X-Shopify-Webhook-Id", java.util.UUID.randomUUID().toString())
                .header("X-Shopify-Event-Id", Long.toString(System.nanoTime()))
                .header("X-Shopify-Triggered-At", java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
                        .format(java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)))
                .header("X-Shopify-Hmac-Sha256", io.shopifysync.webhooks.WebhookSignature.sign(WEBHOOK_SECRET, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static Map<String, String> resumeEnv(SyncHarness sync) {
        Map<String, String> env = new java.util.HashMap<>(sync.processEnv());
        env.remove("HTTP_PORT");
        return env;
    }

    @BothDatabases
    void aStoreThatRefusesBulkOperationsIsImportedAndCaughtUpPaged(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(33).orders(25).products(8).customers(15)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("poll.interval.ms", "300", "poll.catch-up.threshold", "5",
                     "sync.overlap.seconds", "1"))) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            control.call("PUT", "/_emulator/shops/" + shop.domain() + "/bulk-operations", "{\"bulkOperationsAllowed\":false}");
            sync.start();
            sync.register(shop);
            String state = "SELECT COUNT(*) FROM shopify.sync_state WHERE shop_domain = '" + shop.domain() + "'";
            // watched while it runs: a refused bulk operation is never taken for one that started, nor retried as a failure
            String misread = state + " AND (bulk_operation_id IS NOT NULL OR last_error IS NOT NULL)";
            long[] seen = {0};
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                seen[0] = Math.max(seen[0], sync.count(misread));
                return sync.allIncremental(shop.domain());
            });
            assertThat(seen[0]).as("resources that recorded a bulk operation or a failure before paging").isZero();
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
            assertThat(sync.count(state + " AND import_mode = 'PAGED'")).isEqualTo(io.shopifysync.catalog.Catalog.load().resources().size());

            // more changed than poll.catch-up.threshold: the catch-up reads pages too, without a dead letter
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/customers/create", "{\"count\":12}");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                seen[0] = Math.max(seen[0], sync.count(misread));
                return sync.allIncremental(shop.domain()) && sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain()));
            });
            assertThat(seen[0]).as("the catch-up recorded no bulk operation and no failure").isZero();
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters")).isZero();
            assertThat(sync.count(state + " AND reconcile_operation_id IS NOT NULL")).as("no id reconciliation started on a refused bulk").isZero();
            var report = new io.shopifysync.status.StatusReport(sync.db(), io.shopifysync.catalog.Catalog.load(), java.time.Clock.systemUTC())
                    .build().entries();
            assertThat(report).allSatisfy(e -> assertThat(e.importMode()).contains("PAGED").contains("ACCESS_DENIED"));
        }
    }

    @Test
    void pagedImportEqualsTheStoreWhenBulkIsNotUsed() throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(5).orders(30).products(12).customers(20)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(Dialect.POSTGRESQL, dataDir, Map.of("import.paged-only", "true")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(90)).until(() -> sync.allIncremental(shop.domain()));
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
            // the import pages; only the poll's id reconciliation (orders and customers have no destroy events) may run
            // its id-only bulk query once the shop is INCREMENTAL
            List<String> importBulk = new java.util.ArrayList<>();
            for (JsonNode op : new EmulatorControl(emu).call("GET", "/_emulator/shops/" + shop.domain() + "/bulk", null)
                    .path("bulkOperations")) {
                if (!op.path("query").asText().matches("\\{ \\w+ \\{ edges \\{ node \\{ id } } } }")) {
                    importBulk.add(op.path("query").asText());
                }
            }
            assertThat(importBulk).as("bulk operations other than the id reconciliation").isEmpty();
        }
    }

    /** Fast re-checks of shops Shopify stopped serving, and quick polls, so that an outage and its end fit in a test. */
    private static final Map<String, String> QUICK = Map.of("shop.unavailable.recheck.interval.ms", "400",
            "shop.unavailable.recheck.tick.ms", "200", "poll.interval.ms", "400");

    @BothDatabases
    void shopsFrozenLockedOrPausedMidSyncResumeByThemselvesWhenShopifyServesThemAgain(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(4).seed(17).orders(30).products(8).customers(20)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, QUICK)) {
            EmulatorControl control = new EmulatorControl(emu);
            EmulatedShop frozen = emu.shops().get(0);
            EmulatedShop locked = emu.shops().get(1);
            EmulatedShop paused = emu.shops().get(2);
            EmulatedShop underReview = emu.shops().get(3);
            // frozen (payment due) from its import's first call; the other two once their import is done, while polled
            control.call("PUT", "/_emulator/shops/" + frozen.domain() + "/faults", "{\"errorStatus\":402,\"failUntilCleared\":true}");
            sync.start();
            for (EmulatedShop shop : emu.shops()) {
                sync.register(shop);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(locked.domain()) && sync.allIncremental(paused.domain())
                    && sync.allIncremental(underReview.domain()));
            control.call("PUT", "/_emulator/shops/" + locked.domain() + "/faults", "{\"errorStatus\":423,\"failUntilCleared\":true}");
            control.call("PUT", "/_emulator/shops/" + paused.domain() + "/faults", "{\"errorStatus\":404,\"failUntilCleared\":true}");
            // Shopify reviews this shop (it may close it): HTTP 200 with SHOP_PENDING_TERMINATION, a shop state like 423
            control.call("PUT", "/_emulator/shops/" + underReview.domain() + "/faults",
                    "{\"errorCode\":\"SHOP_PENDING_TERMINATION\",\"failUntilCleared\":true}");
            await().atMost(Duration.ofSeconds(30)).until(() -> status(sync, frozen).equals("FROZEN") && status(sync, locked).equals("LOCKED")
                    && status(sync, paused).equals("PAUSED") && status(sync, underReview).equals("LOCKED"));
            // the stores change meanwhile; nothing of it can be read until they are served again
            for (EmulatedShop shop : List.of(locked, paused, underReview)) {
                control.call("POST", "/_emulator/shops/" + shop.domain() + "/orders/create", "{\"count\":3}");
                control.call("POST", "/_emulator/shops/" + shop.domain() + "/customers/update", "{\"count\":2}");
            }
            for (EmulatedShop shop : emu.shops()) {
                // status shows since when and the next check, and the shop keeps being asked (slowly)
                assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops WHERE shop_domain = '" + shop.domain() // status-api
                        + "' AND status_since IS NOT NULL AND next_check_at IS NOT NULL")).isEqualTo(1); // status-api
                long before = injected(control, shop);
                await().atMost(Duration.ofSeconds(10)).until(() -> injected(control, shop) >= before + 2);
            }
            String statusText = statusText(sync); // status-api
            assertThat(statusText).contains("FROZEN", "LOCKED", "PAUSED", "since ", "next check "); // status-api

            for (EmulatedShop shop : emu.shops()) {
                control.call("DELETE", "/_emulator/shops/" + shop.domain() + "/faults", null); // Shopify serves them again
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> emu.shops().stream().allMatch(shop -> {
                try {
                    return sync.allIncremental(shop.domain())
                            && sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops WHERE status = 'INSTALLED' AND next_check_at IS NULL")).isEqualTo(4);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters WHERE reason LIKE '%SHOP_PENDING_TERMINATION%'"))
                    .as("the shop state is named, never the remote message").isEqualTo(1);
        }
    }

    @BothDatabases
    void anAuthFailedShopIsNeverResumedByTheRecheck(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(19).orders(10).products(4).customers(8)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, QUICK)) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            sync.start();
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            // a frozen shop whose token is revoked meanwhile: the re-check finds 401 and stops there
            control.call("PUT", "/_emulator/shops/" + shop.domain() + "/faults", "{\"errorStatus\":402,\"failUntilCleared\":true}");
            await().atMost(Duration.ofSeconds(30)).until(() -> status(sync, shop).equals("FROZEN"));
            control.call("DELETE", "/_emulator/shops/" + shop.domain() + "/faults", null);
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/token/revoke", null);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(sync, shop).equals("AUTH_FAILED"));
            long asked = control.call("GET", "/_emulator/shops/" + shop.domain(), null).path("requests").asLong();
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/reinstall", null); // the shop answers, but not to our token
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> status(sync, shop).equals("AUTH_FAILED"));
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops WHERE next_check_at IS NULL")).isEqualTo(1);
            assertThat(control.call("GET", "/_emulator/shops/" + shop.domain(), null).path("requests").asLong())
                    .as("an AUTH_FAILED shop is not asked again").isEqualTo(asked);
        }
    }

    @BothDatabases
    void internalServerErrorAnsweredWithHttp200IsRetriedAndConvergesWithoutADeadLetter(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(23).orders(30).products(8).customers(20)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, QUICK)) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            control.call("PUT", "/_emulator/shops/" + shop.domain() + "/faults",
                    "{\"errorCode\":\"INTERNAL_SERVER_ERROR\",\"failNextRequests\":3}");
            sync.start();
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            // and again while polling
            control.call("PUT", "/_emulator/shops/" + shop.domain() + "/faults",
                    "{\"errorCode\":\"INTERNAL_SERVER_ERROR\",\"failNextRequests\":3}");
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/orders/create", "{\"count\":2}");
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.databaseDigest(shop.domain())
                    .equals(SyncHarness.emulatorDigest(emu, shop.domain())));
            assertThat(injected(control, shop)).as("the faults happened").isEqualTo(6);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters")).isZero();
            assertThat(status(sync, shop)).isEqualTo("INSTALLED");
        }
    }

    @BothDatabases
    void http429RetryAfterIsHonouredByEveryCallToTheShop(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(29).orders(30).products(8).customers(20)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("poll.interval.ms", "200"))) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            sync.start();
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            // four resources polled every 200 ms: calls to the shop keep coming while one of them is told to wait
            control.call("PUT", "/_emulator/shops/" + shop.domain() + "/faults",
                    "{\"errorStatus\":429,\"retryAfterSeconds\":1.5,\"failNextRequests\":2}");
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/products/create", "{\"count\":2}");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode log = control.call("GET", "/_emulator/shops/" + shop.domain() + "/requests", null).path("requests");
                long last429 = 0;
                for (JsonNode r : log) {
                    last429 = r.path("status").asInt() == 429 ? r.path("atMillis").asLong() : last429;
                }
                return last429 > 0 && log.get(log.size() - 1).path("atMillis").asLong() > last429 + 1_500;
            });
            JsonNode log = control.call("GET", "/_emulator/shops/" + shop.domain() + "/requests", null).path("requests");
            List<String> early = new ArrayList<>();
            for (JsonNode limited : log) {
                if (limited.path("status").asInt() != 429) {
                    continue;
                }
                long at = limited.path("atMillis").asLong();
                for (JsonNode r : log) {
                    long after = r.path("atMillis").asLong() - at;
                    // a call already on its way when the 429 was answered may arrive just after it; any later one waited
                    if (after > 100 && after < 1_500) {
                        early.add(after + " ms after a 429: " + r);
                    }
                }
            }
            assertThat(early).as("calls that did not wait out Retry-After").isEmpty();
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.databaseDigest(shop.domain())
                    .equals(SyncHarness.emulatorDigest(emu, shop.domain())));
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters")).isZero();
        }
    }

    @BothDatabases
    void aRetiredApiVersionFallsForwardAndStatusAndMetricsShowTheVersionServed(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(31).orders(20).products(6).customers(10)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("shopify.api.version", "2026-01"))) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            // Shopify retires 2026-01 and 2026-04: a request for 2026-01 is served by 2026-07, and the header says so
            control.call("PUT", "/_emulator/settings", "{\"apiVersions\":[\"2026-07\",\"2026-10\"]}");
            sync.start();
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
            JsonNode first = control.call("GET", "/_emulator/shops/" + shop.domain() + "/requests", null).path("requests").path(0);
            assertThat(first.path("requestedVersion").asText()).isEqualTo("2026-01");
            assertThat(first.path("servedVersion").asText()).isEqualTo("2026-07");
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops WHERE api_version_requested = '2026-01' "
                    + "AND api_version_served = '2026-07' AND api_version_seen_at IS NOT NULL")).isEqualTo(1);
            assertThat(statusText(sync)).contains("API 2026-07 served for 2026-01"); // status-api
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sync.managementBase()
                    + "/observe/metrics")).header("Authorization", "Bearer test-admin-token").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body().lines().filter(l -> l.startsWith("shopify_sync_api_version{")).toList())
                    .anyMatch(l -> l.contains("shop=\"" + shop.domain() + "\"") && l.contains("requested=\"2026-01\"")
                            && l.contains("served=\"2026-07\"") && l.endsWith(" 1.0"));
        }
    }

    private static String status(SyncHarness sync, EmulatedShop shop) throws Exception {
        try (var c = sync.db().dataSource().getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT status FROM shopify.shops WHERE shop_domain = '" + shop.domain() + "'")) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    /** Requests of the shop the emulator answered with an injected fault. */
    private static long injected(EmulatorControl control, EmulatedShop shop) {
        long n = 0;
        for (JsonNode r : control.call("GET", "/_emulator/shops/" + shop.domain() + "/requests", null).path("requests")) {
            n += r.path("injected").asBoolean() ? 1 : 0;
        }
        return n;
    }

    /** What {@code shopify-sync status} shows: its table's status column, for every shop. */
    private static String statusText(SyncHarness sync) { // status-api
        StringBuilder out = new StringBuilder(); // status-api
        for (var e : new io.shopifysync.status.StatusReport(sync.db(), io.shopifysync.catalog.Catalog.load(), java.time.Clock.systemUTC()) // status-api
                .build().entries()) { // status-api
            out.append(e.shop()).append(' ').append(e.shopStatus()).append(" [").append(e.shopStatusDetail()).append("]\n"); // status-api
        } // status-api
        return out.toString(); // status-api
    } // status-api

    /** Assertions on what the emulator saw. */
    static final class JsonAssert {
        static void bulkOperationsFailed(EmulatorControl control, String shop) {
            var ops = control.call("GET", "/_emulator/shops/" + shop + "/bulk", null).path("bulkOperations");
            long failed = 0;
            for (var op : ops) {
                failed += "FAILED".equals(op.path("status").asText()) ? 1 : 0;
            }
            assertThat(failed).as("the injected bulk failures happened").isPositive();
        }
    }
}
