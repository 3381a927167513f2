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

            await().atMost(Duration.ofSeconds(30)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.shops WHERE shop_domain = '"
                    + denied.domain() + "' AND status = 'AUTH_FAILED'") == 1);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters WHERE shop_domain = '" + denied.domain()
                    + "' AND reason LIKE '%ACCESS_DENIED%'")).isPositive();
            assertThat(sync.allIncremental(denied.domain())).isFalse();
        }
    }

    @BothDatabases
    void reEnablingADeniedShopStartsItsImportAgainWithoutANewDeadLetter(Dialect dialect) throws Exception {
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
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.shops WHERE shop_domain = '"
                    + shop.domain() + "' AND status = 'AUTH_FAILED'") == 1 && sync.count(letters) > 0);
            assertThat(sync.count(letters + " AND reason LIKE '%ACCESS_DENIED%'")).isEqualTo(1);

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
            assertThat(sync.count(letters)).as("the original dead letter only").isEqualTo(1);
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
