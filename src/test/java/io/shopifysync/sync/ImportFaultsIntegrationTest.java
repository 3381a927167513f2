package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
            assertThat(new EmulatorControl(emu).call("GET", "/_emulator/shops/" + shop.domain() + "/bulk", null)
                    .path("bulkOperations")).isEmpty();
        }
    }

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
