package io.shopifysync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.accounts.InvalidInputException;
import io.shopifysync.admin.AdminAuth;
import io.shopifysync.admin.AdminErrors;
import io.shopifysync.admin.AdminException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.Test;

/**
 * routes/admin-api.yaml alone (REST DSL on platform-http), with the real bearer check and error answers and a fake
 * in place of the shops: every verb reaches its operation only with the admin token, and every failure is JSON.
 */
class AdminApiRouteTest extends RouteFileTestSupport {

    static final String TOKEN = "route-test-token";
    final FakeShops shops = new FakeShops();
    final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected String[] routeFiles() {
        return new String[] {"admin-api.yaml"};
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("adminAuth", new AdminAuth(TOKEN));
        registry.bind("adminErrors", new AdminErrors());
        registry.bind("shopsAdmin", shops);
    }

    @Test
    void everyVerbReachesItsOperationWithTheToken() throws Exception {
        assertThat(send("GET", "/admin/shops", TOKEN, null).body()).isEqualTo("[\"list\"]");
        HttpResponse<String> added = send("POST", "/admin/shops", TOKEN, "{\"shop\":\"a.myshopify.com\"}");
        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(added.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(added.headers().firstValue("Authorization")).as("no request header goes back").isEmpty();
        assertThat(send("POST", "/admin/shops", TOKEN, "{\"shop\":\"existing.myshopify.com\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> removed = send("DELETE", "/admin/shops?shop=a.myshopify.com", TOKEN, null);
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(removed.body()).contains("\"outcome\":\"removed\"");
        assertThat(send("DELETE", "/admin/shops/b.myshopify.com", TOKEN, null).statusCode()).isEqualTo(200);
        assertThat(shops.calls).containsExactly("list", "add {\"shop\":\"a.myshopify.com\"}",
                "add {\"shop\":\"existing.myshopify.com\"}", "remove a.myshopify.com",
                "remove b.myshopify.com");
    }

    @Test
    void noVerbRunsWithoutTheRightToken() throws Exception {
        for (String token : new String[] {null, "wrong"}) {
            for (String[] call : new String[][] {{"GET", "/admin/shops"}, {"POST", "/admin/shops"},
                    {"DELETE", "/admin/shops?shop=a.myshopify.com"}, {"DELETE", "/admin/shops/a.myshopify.com"}}) {
                HttpResponse<String> r = send(call[0], call[1], token, call[0].equals("POST") ? "{}" : null);
                assertThat(r.statusCode()).as("%s %s with %s", call[0], call[1], token).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer");
                assertThat(r.body()).startsWith("{\"error\":");
            }
        }
        assertThat(shops.calls).isEmpty();
    }

    @Test
    void failuresAnswerTheirStatusAsJson() throws Exception {
        shops.fail = new InvalidInputException("invalid shop domain 'x'");
        assertThat(send("DELETE", "/admin/shops/x", TOKEN, null)).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).isEqualTo("{\"error\":\"invalid shop domain 'x'\"}");
        });
        shops.fail = new AdminException(404, "shop a.myshopify.com is not registered");
        assertThat(send("DELETE", "/admin/shops?shop=a.myshopify.com", TOKEN, null).statusCode()).isEqualTo(404);
        shops.fail = new AdminException(415, "send the body as JSON with Content-Type: application/json");
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/admin/shops"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("shop=a")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.body()).as("our JSON error, not platform-http's empty 415").contains("Content-Type: application/json");
        shops.fail = new IllegalStateException("boom with a secret");
        HttpResponse<String> r = send("GET", "/admin/shops", TOKEN, null);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).doesNotContain("secret");
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stands in for ShopsAdminApi: records each operation it was asked for, or fails as told. */
    public static final class FakeShops {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile RuntimeException fail;

        public List<String> list() {
            record("list");
            return List.of("list");
        }

        public Map<String, Object> add(Exchange exchange) {
            String body = exchange.getMessage().getBody(String.class);
            record("add " + body);
            // the route answers 201 for an added shop and 200 for an updated one
            return Map.of("outcome", body.contains("existing") ? "updated" : "added");
        }

        public Map<String, Object> remove(@Header("shop") String shop) {
            record("remove " + shop);
            return Map.of("shop", shop, "outcome", "removed");
        }

        private void record(String call) {
            if (fail != null) {
                throw fail;
            }
            calls.add(call);
        }
    }
}
