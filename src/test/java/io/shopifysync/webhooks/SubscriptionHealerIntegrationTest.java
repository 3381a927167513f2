package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.SyncHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The healer keeps every installed shop subscribed at webhook.public.url, and puts back what disappears. */
class SubscriptionHealerIntegrationTest {

    private static final String SECRET = "whsec_heal_secret";
    /** The catalog's upsert and delete topics plus APP_UNINSTALLED, as Shopify's enum. */
    private static final List<String> EXPECTED = List.of("APP_UNINSTALLED", "CUSTOMERS_CREATE", "CUSTOMERS_DELETE",
            "CUSTOMERS_UPDATE", "ORDERS_CREATE", "ORDERS_DELETE", "ORDERS_UPDATED", "PRODUCTS_CREATE", "PRODUCTS_DELETE",
            "PRODUCTS_UPDATE");
    private static final String ELSEWHERE = "http://127.0.0.1:9/somebody-else/webhooks";

    @TempDir
    Path dataDir;

    /** Topics subscribed at the URL, sorted, one entry per subscription (so duplicates show). */
    private static List<String> topicsAt(EmulatorControl control, String shop, String url) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : control.call("GET", "/_emulator/shops/" + shop + "/webhooks/subscriptions", null).path("subscriptions")) {
            String uri = s.hasNonNull("uri") ? s.path("uri").asText() : s.path("callbackUrl").asText();
            if (uri.equals(url)) {
                out.add(s.path("topic").asText());
            }
        }
        out.sort(null);
        return out;
    }

    private static SubscriptionHealer healer(SyncHarness sync) {
        return sync.app().context().getRegistry().lookupByNameAndType("subscriptionHealer", SubscriptionHealer.class);
    }

    @BothDatabases
    void aNewShopIsSubscribedAndDeletedSubscriptionsComeBackWithinOneRun(Dialect dialect) throws Exception {
        int port = FreePort.find();
        String base = "http://127.0.0.1:" + port;
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(41).orders(3).products(2).customers(3)
                .plan("plus").clientSecret(SECRET).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("http.port", Integer.toString(port),
                     "webhook.public.url", base + "/", "webhook.subscriptions.interval.ms", "2000",
                     "shopify.client.secret", SECRET, "poll.interval.ms", "3600000", "webhook.process.interval.ms", "200"))
                     .start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            String url = sync.httpBase() + "/webhooks/shopify";
            assertThat(url).isEqualTo(base + "/webhooks/shopify");
            assertThat(healer(sync).callbackUrl()).as("trailing slash of webhook.public.url dropped").isEqualTo(url);
            // a subscription of the topic at another address does not count as ours
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/webhooks/subscriptions",
                    "{\"topic\":\"ORDERS_CREATE\",\"uri\":\"" + ELSEWHERE + "\"}");
            assertThat(topicsAt(control, shop.domain(), url)).isEmpty();

            sync.register(shop);
            await().atMost(Duration.ofSeconds(30)).until(() -> topicsAt(control, shop.domain(), url).equals(EXPECTED));
            assertThat(topicsAt(control, shop.domain(), ELSEWHERE)).containsExactly("ORDERS_CREATE");
            await().atMost(Duration.ofSeconds(10)).until(() -> healer(sync).recreated() == EXPECTED.size());

            // several more scheduled runs over a complete set create nothing
            long runs = healer(sync).scheduledRuns();
            await().atMost(Duration.ofSeconds(15)).until(() -> healer(sync).scheduledRuns() >= runs + 2);
            assertThat(healer(sync).recreated()).isEqualTo(EXPECTED.size());
            assertThat(topicsAt(control, shop.domain(), url)).isEqualTo(EXPECTED);

            // every subscription gone (as when Shopify removes failing ones): the next scheduled run puts them back
            control.call("DELETE", "/_emulator/shops/" + shop.domain() + "/webhooks/subscriptions", null);
            assertThat(topicsAt(control, shop.domain(), url)).isEmpty();
            long runsBefore = healer(sync).scheduledRuns();
            await().atMost(Duration.ofSeconds(15)).until(() -> healer(sync).scheduledRuns() >= runsBefore + 2);
            assertThat(topicsAt(control, shop.domain(), url)).isEqualTo(EXPECTED);
            assertThat(healer(sync).recreated()).isEqualTo(2L * EXPECTED.size());

            // and they work: an order created in the store arrives at our intake through the re-created subscription
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/orders/create", "{\"count\":1}");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox WHERE topic = 'orders/create'") >= 1);
        }
    }

    @BothDatabases
    void aPlainHttpPublicUrlStopsTheStartAndAnHttpsOneIsSubscribedWhereShopifyAcceptsOnlyHttps(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(43).orders(1).products(1).customers(1)
                .plan("plus").clientSecret(SECRET).start()) {
            EmulatorControl control = new EmulatorControl(emu);
            control.call("PUT", "/_emulator/webhooks/settings", "{\"httpsOnly\":true}");
            Map<String, String> common = Map.of("webhook.subscriptions.interval.ms", "500", "poll.interval.ms", "3600000",
                    "shopify.client.secret", SECRET);
            for (String bad : List.of("http://sync.example.com", "sync.example.com", "https://sync.example.com/?x=1")) {
                Map<String, String> config = new java.util.HashMap<>(common);
                config.put("webhook.public.url", bad);
                assertThatThrownBy(() -> new SyncHarness(dialect, dataDir.resolve("bad-" + Math.abs(bad.hashCode())), config).start())
                        .as(bad).hasStackTraceContaining("webhook.public.url (WEBHOOK_PUBLIC_URL) '" + bad + "' is not usable");
            }
            Map<String, String> config = new java.util.HashMap<>(common);
            config.put("webhook.public.url", "https://sync.example.com/shopify/");
            try (SyncHarness sync = new SyncHarness(dialect, dataDir.resolve("good"), config).start()) {
                EmulatedShop shop = emu.shops().get(0);
                sync.register(shop);
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        topicsAt(control, shop.domain(), "https://sync.example.com/shopify/webhooks/shopify").equals(EXPECTED));
            }
        }
    }

    @BothDatabases
    void withoutAPublicUrlNothingIsSubscribed(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(42).orders(1).products(1).customers(1)
                .plan("plus").start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("webhook.public.url", "",
                     "webhook.subscriptions.interval.ms", "500", "poll.interval.ms", "3600000")).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            sync.register(shop);
            assertThat(healer(sync).callbackUrl()).isNull();
            long runs = healer(sync).scheduledRuns();
            await().atMost(Duration.ofSeconds(15)).until(() -> healer(sync).scheduledRuns() >= runs + 3);
            assertThat(control.call("GET", "/_emulator/shops/" + shop.domain() + "/webhooks/subscriptions", null)
                    .path("subscriptions")).isEmpty();
            assertThat(healer(sync).recreated()).isZero();
        }
    }
}
