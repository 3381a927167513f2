package io.shopifysync.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.Chromium;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.SyncHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;

/** The status page in headless Chromium against the real application after an import from the emulator. */
class StatusPageIntegrationTest {

    private static final String TOKEN = "status-page-admin-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROW = Pattern.compile("<tr data-shop=\"([^\"]+)\" data-resource=\"([^\"]*)\">(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<td(?: class=\"[^\"]*\")?>(.*?)</td>", Pattern.DOTALL);

    @TempDir
    Path dataDir;
    private String base;

    @BothDatabases
    void showsEveryShopAndResourceWithRowsLagErrorsAndCharts(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(2).seed(31).orders(12).products(5).customers(9)
                .plan("plus").timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("admin.token", TOKEN, "poll.interval.ms", "1000",
                     "status.sample.interval.ms", "1000", "sync.overlap.seconds", "1")).start()) {
            base = sync.httpBase();
            EmulatedShop healthy = emu.shops().get(0);
            EmulatedShop failing = emu.shops().get(1);
            sync.register(healthy);
            sync.register(failing);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(healthy.domain()) && sync.allIncremental(failing.domain()));
            new EmulatorControl(emu).call("PUT", "/_emulator/shops/" + failing.domain() + "/faults",
                    "{\"errorRate\":1.0,\"errorStatus\":503}");
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.count("SELECT COUNT(*) FROM shopify.sync_state WHERE shop_domain = '"
                    + failing.domain() + "' AND last_error IS NOT NULL") > 0);
            List<Resource> resources = Catalog.load().resources();
            // two samples of every shop and resource: the first rows/s point of the chart
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.count("SELECT COUNT(DISTINCT sampled_at) FROM shopify.status_samples") >= 3);

            HttpResponse<String> page = get("/status", null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            // Camel's HTTP header filter dropped Cache-Control until the port got its own filter (AnswerHeaders)
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(page.body()).contains("/status/assets/status.js").doesNotContain(TOKEN);
            assertThat(get("/status/assets/status.js", null).statusCode()).isEqualTo(200);
            assertThat(get("/status/assets/secret.txt", null).statusCode()).isEqualTo(404);
            HttpResponse<String> anonymous = get("/status/data", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).doesNotContain("sandbox");
            assertThat(get("/status/data", "Bearer wrong-token").statusCode()).isEqualTo(401);
            HttpResponse<String> data = get("/status/data", "Bearer " + TOKEN);
            assertThat(data.statusCode()).isEqualTo(200);
            assertThat(data.headers().firstValue("Cache-Control")).hasValue("no-store");
            JsonNode json = JSON.readTree(data.body());
            assertThat(json.path("entries")).hasSize(2 * resources.size());

            String dom = Chromium.dumpDom(sync.httpBase() + "/status#token=" + TOKEN, 5000);
            Map<String, List<String>> rows = new HashMap<>();
            Matcher m = ROW.matcher(dom);
            while (m.find()) {
                List<String> cells = new java.util.ArrayList<>();
                Matcher c = CELL.matcher(m.group(3));
                while (c.find()) {
                    cells.add(c.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
                }
                rows.put(m.group(1) + " " + m.group(2), cells);
            }
            assertThat(rows).as(dom).hasSize(2 * resources.size());
            for (EmulatedShop shop : List.of(healthy, failing)) {
                for (Resource r : resources) {
                    List<String> cells = rows.get(shop.domain() + " " + r.name());
                    assertThat(cells).as(shop.domain() + " " + r.name()).isNotNull();
                    assertThat(cells.get(1)).isEqualTo("INSTALLED");
                    assertThat(cells.get(3)).isEqualTo("INCREMENTAL");
                    String table = r.storesRoots() ? r.table() : r.children().get(0).table();
                    long live = sync.count("SELECT COUNT(*) FROM shopify." + table + " WHERE deleted_at IS NULL AND shop_domain = '"
                            + shop.domain() + "'");
                    assertThat(cells.get(4)).as("rows of " + shop.domain() + " " + r.name()).isEqualTo(Long.toString(live));
                    assertThat(cells.get(6)).as("lag").matches("\\d+[smh].*");
                }
            }
            String error = lastError(sync, failing.domain());
            assertThat(rows.get(failing.domain() + " orders").get(8)).contains("503").isEqualTo(error);
            assertThat(rows.get(healthy.domain() + " orders").get(8)).isEqualTo("-");
            for (String chart : List.of("chart-rows", "chart-lag")) {
                String svg = dom.substring(dom.indexOf("id=\"" + chart + "\""));
                svg = svg.substring(0, svg.indexOf("</svg>"));
                for (Resource r : resources) {
                    assertThat(svg).as(chart + " has a line for " + r.name()).containsPattern("<polyline [^>]*data-resource=\"" + r.name() + "\"");
                }
            }
            assertThat(dom).doesNotContain(TOKEN);
            assertThat(dom).doesNotContain(healthy.accessToken());
        }
    }

    private static String lastError(SyncHarness sync, String shop) throws Exception {
        try (var c = sync.db().dataSource().getConnection();
             var ps = c.prepareStatement("SELECT last_error FROM shopify.sync_state WHERE shop_domain = ? AND resource = 'orders'")) {
            ps.setString(1, shop);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
