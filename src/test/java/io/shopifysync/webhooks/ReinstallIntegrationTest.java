package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Dialect;
import io.shopifysync.db.Jdbc;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.lifecycle.ShopData;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.CliProcess;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.SyncHarness;
import io.shopifysync.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** Reinstalling a shop: with its data kept, polling resumes; with its data purged, it backfills from scratch. */
class ReinstallIntegrationTest {

    private static final String SECRET = "whsec_reinstall";

    @TempDir
    Path dataDir;

    @TempDir
    Path cliDir;

    private static long importsOf(EmulatorControl control, EmulatedShop shop) {
        long n = 0;
        for (var op : control.call("GET", "/_emulator/shops/" + shop.domain() + "/bulk", null).path("bulkOperations")) {
            n += op.path("query").asText().contains("lineItems") ? 1 : 0;
        }
        return n;
    }

    private void uninstall(SyncHarness sync, EmulatorControl control, EmulatedShop shop) {
        control.call("POST", "/_emulator/shops/" + shop.domain() + "/webhooks/subscriptions",
                "{\"topic\":\"app/uninstalled\",\"uri\":\"" + sync.httpBase() + "/webhooks/shopify\"}");
        control.call("POST", "/_emulator/shops/" + shop.domain() + "/uninstall", "{\"redactDelayMs\":100000000}");
        await().atMost(Duration.ofSeconds(20)).until(() -> sync.count(
                "SELECT COUNT(*) FROM shopify.shops WHERE status = 'UNINSTALLED' AND shop_domain = '" + shop.domain() + "'") == 1);
    }

    @BothDatabases
    void withKeptDataPollingResumesFromTheStoredHighWaterMark(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(51).orders(10).products(3).customers(10)
                .plan("plus").clientSecret(SECRET).timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("shopify.client.secret", SECRET,
                     "poll.interval.ms", "1000", "reconcile.interval.ms", "0", "sync.overlap.seconds", "5",
                     "webhook.process.interval.ms", "200")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            long imports = importsOf(control, shop);
            String oldToken = shop.accessToken();
            uninstall(sync, control, shop);

            String token = control.call("POST", "/_emulator/shops/" + shop.domain() + "/reinstall", null).path("accessToken").asText();
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/orders/create", "{\"count\":4}");
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/customers/delete", "{\"count\":2}");
            assertThat(token).as("a reinstall issues a new token").isNotEqualTo(oldToken).isNotBlank();
            sync.register(shop.domain(), token, shop.adminUrl());

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain())));
            assertThat(importsOf(control, shop)).as("no second import").isEqualTo(imports);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops WHERE status = 'INSTALLED'")).isEqualTo(1);
        }
    }

    @BothDatabases
    void withPurgedDataItBackfillsFromScratch(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(52).orders(10).products(3).customers(10)
                .plan("plus").clientSecret(SECRET).timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("shopify.client.secret", SECRET,
                     "webhook.process.interval.ms", "200")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            long imports = importsOf(control, shop);
            uninstall(sync, control, shop);
            new ShopData(new Jdbc(sync.db()), Catalog.load(), Clock.systemUTC()).purge(shop.domain(), "test");
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.orders")).isZero();

            String token = control.call("POST", "/_emulator/shops/" + shop.domain() + "/reinstall", null).path("accessToken").asText();
            sync.register(shop.domain(), token, shop.adminUrl());
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
            assertThat(importsOf(control, shop)).as("a fresh import").isEqualTo(imports + 1);
        }
    }

    /** Topics subscribed at the URL, sorted. */
    private static List<String> topicsAt(EmulatorControl control, String shop, String url) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : control.call("GET", "/_emulator/shops/" + shop + "/webhooks/subscriptions", null).path("subscriptions")) {
            if (url.equals(s.hasNonNull("uri") ? s.path("uri").asText() : s.path("callbackUrl").asText())) {
                out.add(s.path("topic").asText());
            }
        }
        out.sort(null);
        return out;
    }

    @BothDatabases
    void aShopReinstalledFromAnotherProcessIsSubscribedAgainWithinSecondsWithoutARestart(Dialect dialect) throws Exception {
        int port = FreePort.find();
        String url = "http://127.0.0.1:" + port + "/webhooks/shopify";
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(53).orders(5).products(2).customers(5)
                .plan("plus").clientSecret(SECRET).timeScale(0.01).start();
             // H2 as a file that the CLI process opens too
             SyncHarness sync = new SyncHarness(TestDatabase.create(dialect, dataDir), dataDir, Map.of("http.port", Integer.toString(port),
                     "webhook.public.url", "http://127.0.0.1:" + port, "shopify.client.secret", SECRET,
                     "webhook.process.interval.ms", "200", "poll.interval.ms", "3600000")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            List<String> expected = sync.app().context().getRegistry()
                    .lookupByNameAndType("subscriptionHealer", SubscriptionHealer.class).topics();
            sync.register(shop);
            await().atMost(Duration.ofSeconds(30)).until(() -> topicsAt(control, shop.domain(), url).equals(expected));
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain())); // no call in flight at uninstall

            // uninstalling drops the shop's subscriptions; app/uninstalled reaches us through the one we made
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/uninstall", "{\"redactDelayMs\":100000000}");
            await().atMost(Duration.ofSeconds(20)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.shops WHERE status = "
                    + "'UNINSTALLED' AND shop_domain = '" + shop.domain() + "'") == 1);
            assertThat(topicsAt(control, shop.domain(), url)).isEmpty();

            String token = control.call("POST", "/_emulator/shops/" + shop.domain() + "/reinstall", null).path("accessToken").asText();
            CliProcess.Result add = CliProcess.run(cliDir, sync.processEnv(), "accounts", "add", "--shop", shop.domain(),
                    "--token", token, "--api-url", shop.adminUrl(), "--allow-insecure-api-url");
            assertThat(add.exitCode()).as(add.err()).isZero();
            await().atMost(Duration.ofSeconds(15)).until(() -> topicsAt(control, shop.domain(), url).equals(expected));
        }
    }
}
