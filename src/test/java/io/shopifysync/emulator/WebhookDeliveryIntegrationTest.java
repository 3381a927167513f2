package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Webhook subscriptions and deliveries: headers, HMAC (verified with our own implementation), retries, removal, duplicates, reordering. */
class WebhookDeliveryIntegrationTest {

    static final String SECRET = "whsec-integration-\u00e9";
    static final String SECRET_DEFAULT = "sandbox-secret";

    @RegisterExtension
    static EmulatorExtension emu = EmulatorExtension.builder()
            .port(0).shops(1).seed(77)
            .orders(10).products(5).customers(10)
            .plan("plus").clientSecret(SECRET).timeScale(0.0005)
            .build();

    static GraphqlClient client;

    @BeforeAll
    static void client() {
        client = GraphqlClient.forFirstShop(emu);
    }

    @AfterEach
    void cleanUp() {
        client.clearFaults();
        client.webhookSettings(Map.of("duplicateRate", 0.0, "reorderRate", 0.0, "timeoutMs", 5000, "retryBaseDelayMs", 56_471,
                "httpsOnly", false));
        for (JsonNode s : subscriptions(client)) unsubscribe(client, s.path("id").asText());
    }

    /** The userErrors messages of a webhookSubscriptionCreate at the address. */
    static List<String> refusals(GraphqlClient c, String uri) {
        List<String> out = new ArrayList<>();
        c.data("mutation($u: String!) { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { uri: $u, format: JSON }) "
                + "{ webhookSubscription { id } userErrors { field message } } }", Map.of("u", uri))
                .path("webhookSubscriptionCreate").path("userErrors").forEach(e -> out.add(e.path("message").asText()));
        return out;
    }

    @Test
    void plainHttpSubscriptionsAreRefusedExceptToThisMachineAndNotEvenThereInHttpsOnlyMode() {
        assertThat(refusals(client, "http://hooks.example.com/webhooks")).containsExactly("Address is invalid");
        assertThat(refusals(client, "https://hooks.example.com/webhooks")).isEmpty();
        assertThat(refusals(client, "http://127.0.0.1:9/webhooks")).as("local mode: loopback over http").isEmpty();
        assertThat(refusals(client, "http://localhost:9/webhooks")).isEmpty();

        client.webhookSettings(Map.of("httpsOnly", true));
        assertThat(refusals(client, "http://127.0.0.1:9/other")).containsExactly("Address is invalid");
        assertThat(refusals(client, "https://hooks.example.com/other")).isEmpty();
        assertThat(client.control("PUT", "/_emulator/webhooks/settings", Map.of("httpsOnly", "yes")).status()).isEqualTo(400);
    }

    static String subscribe(GraphqlClient c, String topic, String uri) {
        JsonNode r = c.data("mutation($t: WebhookSubscriptionTopic!, $u: String!) { webhookSubscriptionCreate(topic: $t, "
                + "webhookSubscription: { uri: $u, format: JSON }) { webhookSubscription { id topic uri } userErrors { field message } } }",
                Map.of("t", topic, "u", uri)).path("webhookSubscriptionCreate");
        assertThat(r.path("userErrors")).as(r.toString()).isEmpty();
        JsonNode s = r.path("webhookSubscription");
        assertThat(s.path("id").asText()).matches("gid://shopify/WebhookSubscription/\\d+");
        assertThat(s.path("topic").asText()).isEqualTo(topic);
        assertThat(s.path("uri").asText()).isEqualTo(uri);
        return s.path("id").asText();
    }

    static void unsubscribe(GraphqlClient c, String id) {
        JsonNode r = c.data("mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } } }",
                Map.of("id", id)).path("webhookSubscriptionDelete");
        assertThat(r.path("userErrors")).as(r.toString()).isEmpty();
        assertThat(r.path("deletedWebhookSubscriptionId").asText()).isEqualTo(id);
    }

    static List<JsonNode> subscriptions(GraphqlClient c) {
        List<JsonNode> out = new ArrayList<>();
        c.data("{ webhookSubscriptions(first: 100) { edges { node { id topic uri } } } }")
                .path("webhookSubscriptions").path("edges").forEach(e -> out.add(e.path("node")));
        return out;
    }

    static void assertStandardHeaders(GraphqlClient.Delivery d, String topic, String shop, String secret) {
        assertThat(d.header("X-Shopify-Topic")).isEqualTo(topic);
        assertThat(d.header("X-Shopify-Shop-Domain")).isEqualTo(shop);
        assertThat(d.header("X-Shopify-API-Version")).isEqualTo("2026-10");
        assertThat(d.header("Content-Type")).startsWith("application/json");
        assertThat(UUID.fromString(d.header("X-Shopify-Webhook-Id"))).isNotNull();
        assertThat(UUID.fromString(d.header("X-Shopify-Event-Id"))).isNotNull();
        assertThat(d.header("X-Shopify-Triggered-At")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(Instant.parse(d.header("X-Shopify-Triggered-At"))).isBefore(Instant.now().plusSeconds(5));
        String hmac = d.header("X-Shopify-Hmac-Sha256");
        assertThat(hmac).isEqualTo(WebhookHmacTest.sign(secret, d.body()));
        assertThat(WebhookHmacTest.verify(secret, d.body(), hmac)).isTrue();
        assertThat(WebhookHmacTest.verify("wrong-secret", d.body(), hmac)).isFalse();
    }

    @Test
    void createdOrdersAreDeliveredSignedWithAllHeaders() {
        try (GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            subscribe(client, "ORDERS_CREATE", rx.url("/orders"));
            long before = client.data("{ ordersCount { count } }").path("ordersCount").path("count").asLong();
            client.createObjects("orders", 3);
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.at("/orders").size() >= 3);
            List<GraphqlClient.Delivery> ds = rx.at("/orders");
            assertThat(ds).hasSize(3);
            assertThat(client.data("{ ordersCount { count } }").path("ordersCount").path("count").asLong()).isEqualTo(before + 3);
            for (GraphqlClient.Delivery d : ds) {
                assertStandardHeaders(d, "orders/create", client.shop, SECRET);
                JsonNode body = d.json();
                long id = body.path("id").asLong();
                assertThat(body.path("id").isIntegralNumber()).isTrue();
                assertThat(body.path("admin_graphql_api_id").asText()).isEqualTo("gid://shopify/Order/" + id);
                JsonNode node = client.data("query($id: ID!) { node(id: $id) { id ... on Order { name updatedAt } } }",
                        Map.of("id", "gid://shopify/Order/" + id)).path("node");
                assertThat(node.path("id").asText()).as("the delivered order exists").isEqualTo("gid://shopify/Order/" + id);
                assertThat(offsetInstant(body.path("updated_at").asText()))
                        .as("updated_at matches GraphQL updatedAt").isEqualTo(Instant.parse(node.path("updatedAt").asText()));
                assertThat(body.path("name").asText()).isEqualTo(node.path("name").asText());
            }
            assertThat(ds.stream().map(d -> d.header("X-Shopify-Event-Id")).distinct().count()).isEqualTo(3);
        }
    }

    static Instant offsetInstant(String s) {
        return java.time.OffsetDateTime.parse(s).toInstant();
    }

    @Test
    void updatesAndDeletesUseTheirTopics() {
        try (GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            subscribe(client, "PRODUCTS_UPDATE", rx.url("/pu"));
            subscribe(client, "CUSTOMERS_DELETE", rx.url("/cd"));
            subscribe(client, "ORDERS_UPDATED", rx.url("/ou"));
            client.updateObjects("products", 2);
            client.updateObjects("orders", 2);
            client.deleteObjects("customers", 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.at("/pu").size() >= 2 && rx.at("/cd").size() >= 1 && rx.at("/ou").size() >= 2);
            rx.at("/pu").forEach(d -> assertStandardHeaders(d, "products/update", client.shop, SECRET));
            rx.at("/ou").forEach(d -> assertStandardHeaders(d, "orders/updated", client.shop, SECRET));
            GraphqlClient.Delivery del = rx.at("/cd").get(0);
            assertStandardHeaders(del, "customers/delete", client.shop, SECRET);
            long deletedId = del.json().path("id").asLong();
            JsonNode gone = client.data("query($id: ID!) { node(id: $id) { id } }", Map.of("id", "gid://shopify/Customer/" + deletedId)).path("node");
            assertThat(gone.isNull()).as("deleted customer no longer resolves").isTrue();
        }
    }

    @Test
    void subscriptionsAreListedAndDeletedOnesStopDelivering() {
        try (GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            String a = subscribe(client, "CUSTOMERS_CREATE", rx.url("/a"));
            String b = subscribe(client, "CUSTOMERS_CREATE", rx.url("/b"));
            assertThat(subscriptions(client).stream().map(n -> n.path("id").asText()).toList()).contains(a, b);
            unsubscribe(client, b);
            assertThat(subscriptions(client).stream().map(n -> n.path("id").asText()).toList()).contains(a).doesNotContain(b);
            client.createObjects("customers", 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.at("/a").size() >= 2);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> rx.at("/b").isEmpty());
        }
    }

    @Test
    void failedDeliveriesAreRetriedWithExponentialBackoff() {
        // base delay 80 s × timeScale 0.0005 = 40 ms: retries after ≈ 40, 80, 160, 320 ms (well above delivery overhead)
        client.webhookSettings(Map.of("retryBaseDelayMs", 80_000));
        try (GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            rx.statusForAttempt = n -> n <= 4 ? 500 : 200;
            subscribe(client, "PRODUCTS_CREATE", rx.url("/retry"));
            client.createObjects("products", 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> rx.at("/retry").size() >= 5);
            // no more once answered with 200
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> rx.at("/retry").size() == 5);
            List<GraphqlClient.Delivery> ds = rx.at("/retry");
            assertThat(ds.stream().map(d -> d.header("X-Shopify-Event-Id")).collect(Collectors.toSet())).as("one event").hasSize(1);
            assertThat(ds.stream().map(d -> new String(d.body(), StandardCharsets.UTF_8)).collect(Collectors.toSet())).as("same body").hasSize(1);
            ds.forEach(d -> assertStandardHeaders(d, "products/create", client.shop, SECRET));
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < ds.size(); i++) gaps.add((ds.get(i).receivedNanos() - ds.get(i - 1).receivedNanos()) / 1_000_000);
            // exponential: each gap at least (nearly) its scheduled delay, which a constant or linear backoff cannot reach by
            // the fourth; no ratio between gaps, since a busy machine stretches any one of them
            long[] scheduled = {40, 80, 160, 320};
            for (int i = 0; i < 4; i++) assertThat(gaps.get(i)).as("gaps %s ms", gaps).isGreaterThanOrEqualTo(scheduled[i] - 5);
        }
    }

    @Test
    void aReceiverSlowerThanTheTimeoutCountsAsAFailureAndIsRetried() {
        // Shopify's limit is 5 s; the emulator's is a setting, shortened here to 200 ms
        client.webhookSettings(Map.of("timeoutMs", 200));
        try (GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            rx.holdAttempt = n -> n == 1;
            subscribe(client, "ORDERS_CREATE", rx.url("/slow"));
            client.createObjects("orders", 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.at("/slow").size() >= 2);
            rx.release.countDown();
            List<GraphqlClient.Delivery> ds = rx.at("/slow");
            assertThat(ds.get(1).header("X-Shopify-Event-Id")).isEqualTo(ds.get(0).header("X-Shopify-Event-Id"));
            // the sender's 200 ms start before the first delivery reaches the receiver (tens of ms on a loaded machine)
            assertThat(ds.get(1).receivedNanos() - ds.get(0).receivedNanos()).as("retried after the 200 ms timeout").isGreaterThanOrEqualTo(150_000_000L);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> rx.at("/slow").size() == 2);
        }
    }

    @Test
    void theDefaultRetryScheduleIsShopifys8RetriesOverAboutFourHours() {
        // Shopify: "retried a total of 8 times over 4 hours using an exponential backoff schedule" (changelog 2024-09-10);
        // at timeScale 0.0001 four hours are 1.44 s
        client.controlOk("PUT", "/_emulator/settings", Map.of("timeScale", 0.0001));
        try (GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            assertThat(client.controlOk("GET", "/_emulator/webhooks/settings", null).path("maxRetries").asInt()).isEqualTo(8);
            rx.statusForAttempt = n -> 503;
            String id = subscribe(client, "CUSTOMERS_UPDATE", rx.url("/schedule"));
            client.updateObjects("customers", 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> subscriptions(client).stream().noneMatch(s -> s.path("id").asText().equals(id)));
            List<GraphqlClient.Delivery> ds = rx.at("/schedule");
            assertThat(ds).as("1 delivery + 8 retries").hasSize(9);
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < ds.size(); i++) gaps.add((ds.get(i).receivedNanos() - ds.get(i - 1).receivedNanos()) / 1_000_000);
            long span = (ds.get(8).receivedNanos() - ds.get(0).receivedNanos()) / 1_000_000;
            // about 4 hours from the first attempt to the last retry (14,400 s × 0.0001 = 1,440 ms), delivery overhead on top
            assertThat(span).as("gaps %s ms", gaps).isBetween(1_380L, 2_400L);
            // exponential: the last wait is half of the whole schedule, each of the later waits about twice the one before
            assertThat(gaps.get(7)).as("gaps %s ms", gaps).isGreaterThanOrEqualTo(700L);
            // each wait doubles from the base delay (56,471 ms scaled); a loaded machine only ever makes a retry late
            double nominal = 56_471 * 0.0001;
            for (int i = 0; i < 8; i++, nominal *= 2) {
                assertThat(gaps.get(i)).as("gap %d of %s ms", i, gaps).isGreaterThanOrEqualTo((long) (nominal * 0.95) - 1);
            }
        } finally {
            client.controlOk("PUT", "/_emulator/settings", Map.of("timeScale", 0.0005));
        }
    }

    @Test
    void exhaustedRetriesRemoveTheSubscription() {
        client.webhookSettings(Map.of("retryBaseDelayMs", 10_000)); // a shorter schedule than Shopify's keeps this test quick
        try (GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            rx.statusForAttempt = n -> 503;
            String id = subscribe(client, "CUSTOMERS_UPDATE", rx.url("/dead"));
            client.updateObjects("customers", 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> subscriptions(client).stream().noneMatch(s -> s.path("id").asText().equals(id)));
            assertThat(rx.at("/dead")).as("1 delivery + 8 retries").hasSize(9);
            assertThat(rx.at("/dead").stream().map(d -> d.header("X-Shopify-Event-Id")).distinct().count()).isEqualTo(1);
            client.updateObjects("customers", 1);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> rx.at("/dead").size() == 9);
        }
    }

    @Test
    void duplicatesShareTheEventId() {
        try (GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            client.setWebhookDelivery(1.0, 0.0);
            subscribe(client, "ORDERS_CREATE", rx.url("/dup"));
            client.createObjects("orders", 3);
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.at("/dup").size() >= 6);
            Map<String, List<GraphqlClient.Delivery>> byEvent = rx.at("/dup").stream()
                    .collect(Collectors.groupingBy(d -> d.header("X-Shopify-Event-Id")));
            assertThat(byEvent).hasSize(3);
            for (List<GraphqlClient.Delivery> same : byEvent.values()) {
                assertThat(same).hasSizeGreaterThanOrEqualTo(2);
                assertThat(same.stream().map(d -> new String(d.body(), StandardCharsets.UTF_8)).distinct().count()).isEqualTo(1);
                same.forEach(d -> assertStandardHeaders(d, "orders/create", client.shop, SECRET));
            }
        }
    }

    @Test
    void reorderingDeliversOutOfTriggerOrder() {
        try (GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            client.setWebhookDelivery(0.0, 1.0);
            subscribe(client, "PRODUCTS_UPDATE", rx.url("/reorder"));
            for (int i = 0; i < 4; i++) client.updateObjects("products", 5);
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.at("/reorder").size() >= 20);
            List<Instant> triggered = rx.at("/reorder").stream().map(d -> Instant.parse(d.header("X-Shopify-Triggered-At"))).toList();
            List<String> events = rx.at("/reorder").stream().map(d -> d.header("X-Shopify-Event-Id")).toList();
            assertThat(Set.copyOf(events)).hasSize(20);
            boolean inversion = false;
            for (int i = 1; i < triggered.size(); i++) if (triggered.get(i).isBefore(triggered.get(i - 1))) inversion = true;
            assertThat(inversion).as("some delivery arrives before an earlier-triggered one: %s", triggered).isTrue();
        }
    }

    @Test
    void theDefaultSecretIsSandboxSecret() {
        try (ShopifyEmulator e = ShopifyEmulator.builder().port(0).shops(1).seed(1).orders(1).products(1).customers(1).timeScale(0.001).start();
             GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            var s = e.shops().get(0);
            GraphqlClient c = new GraphqlClient(e.baseUrl(), s.domain(), s.accessToken());
            subscribe(c, "CUSTOMERS_CREATE", rx.url("/x"));
            c.createObjects("customers", 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> !rx.at("/x").isEmpty());
            assertStandardHeaders(rx.at("/x").get(0), "customers/create", s.domain(), SECRET_DEFAULT);
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
