package io.shopifysync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.testing.AppProcess;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.ProjectHome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shopify-sync run --dev}: a route file saved while the application runs is reloaded into it. The test runs a
 * copy of routes/, edits purge-tombstones' description there and reads the running route's description over Jolokia.
 */
class RouteReloadIntegrationTest {

    private static final String TOKEN = "reload-test-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void runDevReloadsAnEditedRouteFile() throws Exception {
        assertThat(reloadedDescription("--dev")).isEqualTo("Deletes old tombstones; edited while running");
    }

    @Test
    void withoutTheFlagAnEditedRouteFileWaitsForTheNextStart() throws Exception {
        assertThat(reloadedDescription()).isEqualTo("Deletes tombstoned rows older than purge.after.days from every catalog table");
    }

    /** Starts run with the options, edits maintenance.yaml, and answers purge-tombstones' description 8 s later. */
    private String reloadedDescription(String... runOptions) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        try (Stream<Path> files = Files.list(ProjectHome.path().resolve("routes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        int management = FreePort.find();
        Map<String, String> env = new HashMap<>();
        env.put("SHOPIFY_SYNC_DATA_DIR", dir.resolve("data").toString());
        env.put("ROUTES_DIR", routes.toString());
        env.put("HTTP_PORT", Integer.toString(FreePort.find()));
        env.put("MANAGEMENT_PORT", Integer.toString(management));
        env.put("ADMIN_TOKEN", TOKEN);
        Path log = Files.createDirectories(Path.of("target")).resolve("route-reload" + String.join("", runOptions) + ".log");
        Files.deleteIfExists(log);
        try (AppProcess app = AppProcess.start(env, log, runOptions)) {
            String original = "Deletes tombstoned rows older than purge.after.days from every catalog table";
            // started: the file watcher is up (Jolokia answers earlier, while Camel Main is still starting)
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .failFast("run exited, see " + log, () -> !app.isAlive())
                    .until(() -> Files.readString(log).contains("(shopify-sync) started in"));
            assertThat(description(management)).isEqualTo(original);
            assertThat(Files.readString(log).contains("Live route reloading enabled")).isEqualTo(runOptions.length > 0);

            Path file = routes.resolve("maintenance.yaml");
            String yaml = Files.readString(file);
            assertThat(yaml).contains("description: " + original);
            Files.writeString(file, yaml.replace("description: " + original, "description: Deletes old tombstones; edited while running"));

            if (runOptions.length > 0) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                        .failFast("run exited, see " + log, () -> !app.isAlive())
                        .until(() -> !original.equals(description(management)));
                // the reloaded route runs again: its Quartz trigger is scheduled
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                        .until(() -> "Started".equals(read(management, "State")));
            } else {
                // nothing watches routes/: the description stays what the start read (a bounded wait, then the check)
                await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(9)).until(() -> true);
            }
            return description(management);
        }
    }

    private String description(int managementPort) throws Exception {
        return read(managementPort, "Description");
    }

    /** An attribute of the running purge-tombstones route, read over Jolokia with the admin token. */
    private String read(int managementPort, String attribute) throws Exception {
        String body = "{\"type\":\"read\",\"mbean\":\"org.apache.camel:context=shopify-sync,type=routes,name=\\\"purge-tombstones\\\"\","
                + "\"attribute\":\"" + attribute + "\"}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/jolokia/"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode read = JSON.readTree(r.body());
        assertThat(read.path("status").asInt()).as(read.toString()).isEqualTo(200);
        return read.path("value").asText();
    }
}
