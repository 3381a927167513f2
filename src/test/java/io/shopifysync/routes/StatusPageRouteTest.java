package io.shopifysync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.admin.AdminAuth;
import io.shopifysync.admin.AdminErrors;
import io.shopifysync.status.StatusPage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.Test;

/**
 * routes/status-page.yaml alone, the data replaced by a fixed report: every answer carries the headers that keep a
 * browser from caching, framing or sniffing it, the data only behind the admin token, and an unknown file is a 404.
 */
class StatusPageRouteTest extends RouteFileTestSupport {

    static final String TOKEN = "status-route-test-token";
    final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected String[] routeFiles() {
        return new String[] {"status-page.yaml", "admin-api.yaml"};
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("adminAuth", new AdminAuth(TOKEN));
        registry.bind("adminErrors", new AdminErrors());
        registry.bind("shopsAdmin", new AdminApiRouteTest.FakeShops());
        registry.bind("statusPage", new FixedStatus());
    }

    @Test
    void everyAnswerCarriesItsTypeAndTheBrowserGuards() throws Exception {
        for (String[] call : new String[][] {{"/status", "text/html"}, {"/status/assets/status.js", "text/javascript"},
                {"/status/data", "application/json"}}) {
            HttpResponse<String> r = get(call[0], TOKEN);
            assertThat(r.statusCode()).as(call[0]).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).as(call[0]).hasValueSatisfying(t -> assertThat(t).startsWith(call[1]));
            assertThat(r.headers().firstValue("Cache-Control")).as(call[0]).contains("no-store");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(call[0]).contains("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(call[0]).contains("no-referrer");
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(call[0])
                    .hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'none'", "frame-ancestors 'none'"));
            assertThat(r.headers().firstValue("Authorization")).as("no request header goes back").isEmpty();
        }
        assertThat(get("/status/data", TOKEN).body()).isEqualTo("{\"shops\":[]}");
    }

    @Test
    void theDataNeedsTheTokenAndAnUnknownFileIsNotFound() throws Exception {
        assertThat(get("/status/data", null).statusCode()).isEqualTo(401);
        assertThat(get("/status/data", "wrong").statusCode()).isEqualTo(401);
        assertThat(get("/status", null).statusCode()).as("the page itself holds no data").isEqualTo(200);
        HttpResponse<String> missing = get("/status/assets/secrets.txt", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).startsWith("{\"error\":");
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The real page and files; a fixed report in place of the database's. */
    public static final class FixedStatus {
        private final StatusPage files = new StatusPage(null, null);

        public byte[] page(Exchange exchange) {
            return files.page(exchange);
        }

        public byte[] asset(@org.apache.camel.Header("file") String file, Exchange exchange) {
            return files.asset(file, exchange);
        }

        public String data(Exchange exchange) {
            exchange.setProperty(StatusPage.CONTENT_TYPE, "application/json");
            return "{\"shops\":[]}";
        }
    }
}
