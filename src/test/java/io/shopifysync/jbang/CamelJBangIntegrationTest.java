package io.shopifysync.jbang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.sync.Digest;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.ProjectHome;
import io.shopifysync.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/ and application.properties run under Camel JBang's {@code camel run} (camel-jbang-core, docs/operations.md
 * "Camel JBang"), with our beans from AppBeans: the admin API registers an emulated store and the
 * database then holds exactly the store, which needs every bean and the catalog's templated routes.
 */
class CamelJBangIntegrationTest {

    private static final String ADMIN_TOKEN = "test-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @BothDatabases
    void camelRunLoadsOurRoutesAndBeansAndImportsAStore(Dialect dialect) throws Exception {
        Path home = ProjectHome.path();
        Path log = Files.createDirectories(Path.of(System.getProperty("camel.jbang.logs", "target/camel-jbang")))
                .resolve("camel-run-" + dialect + ".log");
        int httpPort = FreePort.find();
        int managementPort = FreePort.find();
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(12).orders(25).products(8).customers(15)
                .plan("plus").timeScale(0.01).start();
             TestDatabase tdb = TestDatabase.create(dialect, dataDir);
             CamelRun camel = CamelRun.start(home, log, tdb, dataDir, httpPort, managementPort)) {
            String base = "http://127.0.0.1:" + httpPort;
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .failFast("camel run exited (its log is " + log + ")", () -> !camel.process.isAlive())
                    .ignoreExceptions().until(() -> send("GET", base + "/admin/shops", null).statusCode() == 200);

            EmulatedShop shop = emu.shops().get(0);
            HttpResponse<String> added = send("POST", base + "/admin/shops", "{\"shop\":\"" + shop.domain() + "\",\"token\":\""
                    + shop.accessToken() + "\",\"apiUrl\":\"" + shop.adminUrl() + "\",\"allowInsecureApiUrl\":true}");
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);

            try (Database db = tdb.open()) {
                Digest digest = new Digest(db, Catalog.load());
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                        JSON.readTree(digest.computeJson(ShopDomain.parse(shop.domain()))).equals(JSON.readTree(emu.digest(shop.domain()))));
            }
            // the management port keeps its guard under camel run: Jolokia answers only with the admin token
            String jolokia = "http://127.0.0.1:" + managementPort + "/observe/jolokia/version";
            assertThat(http.send(HttpRequest.newBuilder(URI.create(jolokia)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(401);
            assertThat(send("GET", jolokia, null).statusCode()).isEqualTo(200);
            // and so does the public port: a credential smuggled into the query string is refused before any route
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/admin/shops?Authorization=Bearer%20" + ADMIN_TOKEN))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
            String output = Files.readString(log);
            assertThat(output).contains("Apache Camel (JBang) 4.18.0 is starting");
            for (String route : List.of("webhook-intake", "webhook-process", "admin-shops-add", "import-orders", "poll-orders",
                    "import-customers", "poll-products")) {
                assertThat(output).as("camel run started route %s", route).containsPattern("Started " + route + " \\(");
            }
        }
    }

    private HttpResponse<String> send(String method, String url, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** tools/camel-jbang/camel run, exactly as docs/operations.md has it, in a process of its own. */
    private record CamelRun(Process process) implements AutoCloseable {

        static CamelRun start(Path home, Path log, TestDatabase tdb, Path dataDir, int httpPort, int managementPort)
                throws IOException {
            List<String> cmd = new ArrayList<>(List.of(home.resolve("tools/camel-jbang/camel").toString(), "run"));
            try (Stream<Path> routes = Files.list(home.resolve("routes"))) {
                routes.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(p -> cmd.add(home.relativize(p).toString()));
            }
            cmd.addAll(List.of("application.properties",
                    "--prop=camel.main.configuration-classes=io.shopifysync.app.AppBeans",
                    "--kamelets-version=4.18.0"));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("DB_") || k.startsWith("SHOPIFY_") || k.equals("ADMIN_TOKEN"));
            Map<String, String> db = tdb.settings();
            env.putAll(Map.of("DB_URL", db.get("db.url"), "DB_USER", db.get("db.user"), "DB_PASSWORD", db.get("db.password"),
                    "HTTP_PORT", Integer.toString(httpPort), "MANAGEMENT_PORT", Integer.toString(managementPort),
                    "ADMIN_TOKEN", ADMIN_TOKEN,
                    "SHOPIFY_SYNC_DATA_DIR", dataDir.toString(), "IMPORT_INTERVAL_MS", "200",
                    // as the tests' own run processes: C1 alone and the serial collector (alone: 77 → 43 s of CPU)
                    "JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
                    // the application's classes as this build has them (the jar is packaged after the tests)
                    "APP_CLASSPATH", System.getProperty("java.class.path")));
            return new CamelRun(pb.start());
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
