package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.SyncHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * A header too long for its inbox column is a permanent error: 400 naming the header and its limit (not a 503 that
 * Shopify retries for hours), with an error body that is valid JSON whatever the headers hold.
 */
class WebhookHeaderLimitsIntegrationTest {

    private static final String SECRET = "whsec_limits";
    private static final String SHOP = "limits.myshopify.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    private Map<String, String> headers(String event) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Shopify-Topic", "customers/update");
        h.put("X-Shopify-Shop-Domain", SHOP);
        h.put("X-Shopify-API-Version", "2026-10");
        h.put("X-Shopify-Webhook-Id", "wh-" + event);
        h.put("X-Shopify-Event-Id", event);
        h.put("X-Shopify-Triggered-At", "2026-11-26T10:00:00.000000Z");
        return h;
    }

    private HttpResponse<String> deliver(SyncHarness sync, Map<String, String> headers) throws Exception {
        byte[] body = "{\"id\":1,\"updated_at\":\"2026-01-01T00:00:00-05:00\"}".getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sync.httpBase() + "/webhooks/shopify"))
                .header("Content-Type", "application/json").header("X-Shopify-Hmac-Sha256", WebhookSignature.sign(SECRET, body));
        headers.forEach(b::header);
        return http.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return JSON.readTree(r.body()); // throws on invalid JSON
    }

    @BothDatabases
    void oversizedHeadersAre400WithValidJsonAndTheNextDeliveryStores(Dialect dialect) throws Exception {
        try (SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("shopify.client.secret", SECRET,
                "poll.interval.ms", "3600000", "webhook.process.interval.ms", "3600000")).start()) {
            sync.register(SHOP, "shpat_limits", "http://127.0.0.1:9/admin/api/2026-10/graphql.json");
            Map<String, Integer> limits = Map.of("X-Shopify-Topic", 128, "X-Shopify-Event-Id", 255, "X-Shopify-Webhook-Id", 255,
                    "X-Shopify-API-Version", 32, "X-Shopify-Triggered-At", 64);
            int n = 0;
            for (Map.Entry<String, Integer> limit : limits.entrySet()) {
                Map<String, String> h = headers("over-" + n++);
                // a backslash and a quote in the value: the answer stays valid JSON
                h.put(limit.getKey(), "a\\b\"c" + "x".repeat(limit.getValue()));
                HttpResponse<String> r = deliver(sync, h);
                assertThat(r.statusCode()).as(limit.getKey()).isEqualTo(400);
                assertThat(error(r).path("error").asText()).as(limit.getKey())
                        .contains(limit.getKey(), "over the limit of " + limit.getValue());
            }
            // the event id also builds the idempotency key "<shop>/<event>" of at most 255 characters
            Map<String, String> longKey = headers("x".repeat(255 - SHOP.length()));
            HttpResponse<String> r = deliver(sync, longKey);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(error(r).path("error").asText()).contains("X-Shopify-Event-Id", "limit of " + (255 - SHOP.length() - 1));
            Map<String, String> longShop = headers("over-shop");
            longShop.put("X-Shopify-Shop-Domain", "a".repeat(250) + ".myshopify.com");
            assertThat(deliver(sync, longShop).statusCode()).isEqualTo(400);

            // a value exactly at the limit is stored: the limits are the columns' own
            Map<String, String> atLimit = headers("y".repeat(255 - SHOP.length() - 1));
            atLimit.put("X-Shopify-API-Version", "v".repeat(32));
            assertThat(deliver(sync, atLimit).statusCode()).isEqualTo(200);

            assertThat(sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox")).as("nothing of the refused ones stored").isEqualTo(1);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.camel_messageprocessed")).isEqualTo(1);
            assertThat(deliver(sync, headers("after")).statusCode()).as("a legitimate delivery right after").isEqualTo(200);
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox WHERE event_key = 'after'")).isEqualTo(1);
        }
    }

    @BothDatabases
    void anErrorMessageQuotingAHeaderIsValidJson(Dialect dialect) throws Exception {
        try (SyncHarness sync = new SyncHarness(dialect, dataDir, Map.of("shopify.client.secret", SECRET,
                "poll.interval.ms", "3600000", "webhook.process.interval.ms", "3600000")).start()) {
            Map<String, String> h = headers("quoted");
            h.put("X-Shopify-Shop-Domain", "evil\\\"}{\"x\":\"y.myshopify.com");
            HttpResponse<String> r = deliver(sync, h);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(error(r).path("error").asText()).contains("evil\\\"}{\"x\":\"y.myshopify.com");
            assertThat(error(r).size()).as("one field, nothing injected").isEqualTo(1);
        }
    }
}
