package io.shopifysync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.AppProcess;
import io.shopifysync.testing.CliProcess;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.SyncHarness;
import io.shopifysync.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LOG_FORMAT=json: every line the application writes is one JSON object; sync events name shop, resource and route. */
class JsonLogsIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_TOKEN = "json-logs-admin-token";

    @TempDir
    Path dataDir;

    @Test
    void importAndPollLinesAreJsonWithShopResourceAndRouteId() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key);
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(41).orders(8).products(4).customers(6)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(TestDatabase.create(Dialect.H2, dataDir), dataDir,
                     Map.of("shopify.sync.master.key", masterKey))) {
            EmulatedShop shop = emu.shops().get(0);
            sync.register(shop);
            Map<String, String> env = new HashMap<>();
            env.put("DB_URL", sync.databaseUrl());
            env.put("SHOPIFY_SYNC_DATA_DIR", dataDir.toString());
            env.put("SHOPIFY_SYNC_MASTER_KEY", masterKey);
            String port = Integer.toString(FreePort.find());
            env.put("HTTP_PORT", port);
            env.put("ADMIN_TOKEN", ADMIN_TOKEN);
            env.put("IMPORT_INTERVAL_MS", "200");
            env.put("POLL_INTERVAL_MS", "1000");
            env.put("LOG_FORMAT", "json");
            Path log = Files.createTempFile(dataDir, "app", ".log");

            try (AppProcess app = AppProcess.start(env, log)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> sync.allIncremental(shop.domain()));
                new EmulatorControl(emu).call("POST", "/_emulator/shops/" + shop.domain() + "/customers/create", "{\"count\":2}");
                HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/status/data")).header("Authorization", "Bearer presented-wrong-token")
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(401);
                await().atMost(Duration.ofSeconds(30)).until(() -> lines(log).stream().anyMatch(l ->
                        l.path("formattedMessage").asText().contains("polled 2 changed objects")));
            }

            List<JsonNode> lines = lines(log);
            assertThat(lines).isNotEmpty();
            JsonNode imported = lines.stream().filter(l -> l.path("formattedMessage").asText().contains("first import done")
                    && l.path("mdc").path("resource").asText().equals("orders")).findFirst().orElseThrow();
            assertThat(imported.path("mdc").path("shop").asText()).isEqualTo(shop.domain());
            assertThat(imported.path("mdc").path("routeId").asText()).isEqualTo("import-orders");
            assertThat(imported.path("level").asText()).isEqualTo("INFO");
            assertThat(imported.path("loggerName").asText()).isEqualTo("io.shopifysync.sync.BulkImporter");
            JsonNode polled = lines.stream().filter(l -> l.path("formattedMessage").asText().contains("polled 2 changed objects"))
                    .findFirst().orElseThrow();
            assertThat(polled.path("mdc").path("shop").asText()).isEqualTo(shop.domain());
            assertThat(polled.path("mdc").path("resource").asText()).isEqualTo("customers");
            assertThat(polled.path("mdc").path("routeId").asText()).isEqualTo("poll-customers");
            String text = Files.readString(log);
            assertThat(text).contains("admin request refused")
                    .doesNotContain(ADMIN_TOKEN, "presented-wrong-token", shop.accessToken(), masterKey);
        }
    }

    @Test
    void anUnknownLogFormatIsRefusedWithAClearError() throws Exception {
        CliProcess.Result r = CliProcess.run(dataDir, Map.of("LOG_FORMAT", "xml"), "status");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: log.format (LOG_FORMAT) must be text or json, got 'xml'\n");
    }

    /** Every line of the log as JSON: a line that is not JSON fails the test. */
    private static List<JsonNode> lines(Path log) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (!line.isBlank()) {
                try {
                    out.add(JSON.readTree(line));
                } catch (Exception e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }
        }
        return out;
    }
}
