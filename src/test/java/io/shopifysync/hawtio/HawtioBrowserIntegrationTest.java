package io.shopifysync.hawtio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.ProjectHome;
import io.shopifysync.testing.SyncHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hawtio, in headless Chromium (Debian's chromium driven by playwright-core), connects to the running app's
 * authenticated Jolokia endpoint and lists our routes with the exchange counts the app really has, after an
 * import from the emulator and webhooks delivered while the store changed. Screenshots go to target/browser/.
 */
class HawtioBrowserIntegrationTest {

    private static final String SECRET = "whsec_hawtio_check";
    private static final String ADMIN_TOKEN = "test-admin-token";
    private static final List<String> ROUTES = List.of("webhook-intake", "webhook-process", "poll-orders", "import-orders",
            "import-products", "import-customers");
    /** The diagrams docs/ shows: intake, first import and webhook processing. */
    private static final List<String> DIAGRAMS = List.of("webhook-intake", "import-orders", "webhook-process-shop");
    private static final Path BROWSER_DIR = ProjectHome.path().resolve("src/test/browser");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @TempDir
    Path dataDir;

    @Test
    void hawtioConnectsWithTheAdminTokenAndListsOurRoutesWithTheirExchangeCounts() throws Exception {
        // a missing browser is a failure, not a skip: .ci/run installs chromium and runs npm ci
        assertThat(CHROMIUM).as("chromium (apt-get install -y chromium)").isExecutable();
        assertThat(BROWSER_DIR.resolve("node_modules/playwright-core"))
                .as("playwright-core (npm ci --prefix src/test/browser)").isDirectory();
        Path out = Path.of(System.getProperty("browser.screenshots", "target/browser"));
        Files.createDirectories(out);

        int httpPort = FreePort.find();
        int managementPort = FreePort.find();
        int hawtioPort = FreePort.find();
        // Hawtio's proxy forwards the page's Origin, and the management port accepts listed origins only
        String hawtioOrigins = "http://127.0.0.1:" + hawtioPort + ",http://localhost:" + hawtioPort;
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(8).orders(60).products(20).customers(40)
                .plan("plus").clientSecret(SECRET).timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(Dialect.H2, dataDir, Map.of("http.port", Integer.toString(httpPort),
                     "management.port", Integer.toString(managementPort), "management.cors.origins", hawtioOrigins,
                     "admin.token", ADMIN_TOKEN,
                     "shopify.client.secret", SECRET, "webhook.public.url", "http://127.0.0.1:" + httpPort,
                     "poll.interval.ms", "2000", "webhook.process.interval.ms", "200", "camel.main.jmx-enabled", "true")).start();
             HawtioConsole hawtio = HawtioConsole.start(Path.of(System.getProperty("hawtio.war", "target/hawtio/hawtio.war")),
                     "127.0.0.1", hawtioPort, "localhost,127.0.0.1")) {
            EmulatedShop shop = emu.shops().get(0);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));

            // the app subscribes itself (webhook.public.url); the store's changes then arrive as signed webhooks
            EmulatorControl control = new EmulatorControl(emu);
            String churn = "/_emulator/shops/" + shop.domain() + "/orders/churn";
            control.call("POST", churn, "{\"createPerSecond\":2,\"updatePerSecond\":5,\"deletePerSecond\":0}");
            await().atMost(Duration.ofSeconds(60)).until(() -> completed(sync, "webhook-intake") >= 10);
            control.call("DELETE", churn, null);
            long intakeBefore = completed(sync, "webhook-intake");
            long importBefore = completed(sync, "import-orders");

            Path log = out.resolve("hawtio-check.log");
            Path json = out.resolve("hawtio-check.json");
            ProcessBuilder pb = new ProcessBuilder("node", "hawtio-check.mjs").directory(BROWSER_DIR.toFile())
                    .redirectOutput(json.toFile()).redirectError(log.toFile());
            pb.environment().putAll(Map.of("HAWTIO_URL", hawtio.url(), "JOLOKIA_HOST", "127.0.0.1",
                    "JOLOKIA_PORT", Integer.toString(managementPort), "JOLOKIA_PATH", "/observe/jolokia",
                    "JOLOKIA_USER", "admin", "JOLOKIA_PASSWORD", ADMIN_TOKEN, "EXPECT_ROUTES", String.join(",", ROUTES),
                    "DIAGRAM_ROUTES", String.join(",", DIAGRAMS), "SCREENSHOT_DIR", out.toAbsolutePath().toString(),
                    "CHROMIUM", CHROMIUM.toString()));
            Process node = pb.start();
            if (!node.waitFor(3, TimeUnit.MINUTES)) {
                node.destroyForcibly();
            }
            String stdout = Files.readString(json);
            String stderr = Files.readString(log);
            assertThat(node.isAlive()).as("the browser check still runs after 3 minutes").isFalse();
            System.out.println("hawtio-check: " + stdout + stderr);
            assertThat(node.exitValue()).as("hawtio-check.mjs exit code; its errors: %s", stderr).isZero();

            JsonNode result = new ObjectMapper().readTree(stdout.strip().lines().reduce((a, b) -> b).orElseThrow());
            assertThat(result.path("loginAsked").asBoolean())
                    .as("the app's Jolokia asked Hawtio for credentials (it is not open)").isTrue();
            JsonNode routes = result.path("routes");
            for (String id : ROUTES) {
                assertThat(routes.has(id)).as("Hawtio lists route %s; it lists %s", id, routes).isTrue();
            }
            // Hawtio shows the app's own counters: read before the browser ran and after it, it lies between them
            assertThat(routes.path("webhook-intake").path("completed").asLong())
                    .isBetween(intakeBefore, completed(sync, "webhook-intake"));
            assertThat(routes.path("import-orders").path("completed").asLong())
                    .isBetween(importBefore, completed(sync, "import-orders")).isPositive();
            for (String id : DIAGRAMS) {
                assertThat(result.path("diagramNodes").path(id).asInt()).as("nodes in %s's route diagram", id).isGreaterThan(3);
                assertThat(out.resolve("hawtio-diagram-" + id + ".png")).isNotEmptyFile();
                assertThat(result.path("diagramCounts").path(id).size()).as("steps of %s showing their exchange count", id)
                        .isGreaterThan(3);
            }
            assertThat(out.resolve("hawtio-routes.png")).isNotEmptyFile();
        }
    }

    private static long completed(SyncHarness sync, String routeId) throws Exception {
        ManagedCamelContext managed = sync.app().context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        return managed.getManagedRoute(routeId).getExchangesCompleted();
    }
}
