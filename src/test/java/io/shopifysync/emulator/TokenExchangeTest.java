package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Shopify's migration of non-expiring offline tokens (token exchange, expiring=1) and the 2027 refusal of the old kind. */
class TokenExchangeTest {

    private static final String SECRET = "exchange-secret";
    private static final String OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    private record Answer(int status, JsonNode json) {
    }

    private Answer post(String url, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body().isEmpty() ? "{}" : r.body()));
    }

    private Answer exchange(EmulatedShop shop, String subject) throws Exception {
        Map<String, String> form = new LinkedHashMap<>(Map.of("client_id", ShopifyEmulator.CLIENT_ID, "client_secret", SECRET,
                "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token", subject,
                "subject_token_type", OFFLINE, "requested_token_type", OFFLINE, "expiring", "1"));
        return post(shop.adminUrl() + "/admin/oauth/access_token", form);
    }

    private int graphqlStatus(EmulatedShop shop, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(shop.graphqlUrl())).header("Content-Type", "application/json")
                .header("X-Shopify-Access-Token", token).POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ shop { id } }\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void aNonExpiringTokenIsExchangedOnceAndALostAnswerIsRecoveredUntilThePairIsRefreshed() throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).orders(1).products(1).customers(1).clientSecret(SECRET).start()) {
            EmulatedShop shop = emu.shops().get(0);
            String old = shop.accessToken();
            Answer first = exchange(shop, old);
            assertThat(first.status()).as(first.json().toString()).isEqualTo(200);
            assertThat(first.json().path("expires_in").asLong()).isPositive();
            String access = first.json().path("access_token").asText();
            String refresh = first.json().path("refresh_token").asText();
            assertThat(access).isNotEqualTo(old).isEqualTo(shop.accessToken());
            assertThat(graphqlStatus(shop, old)).as("the old token stops working at once").isEqualTo(401);
            assertThat(graphqlStatus(shop, access)).isEqualTo(200);

            Answer retry = exchange(shop, old);
            assertThat(retry.json().path("access_token").asText()).as("a retry answers the same pair").isEqualTo(access);
            assertThat(retry.json().path("refresh_token").asText()).isEqualTo(refresh);

            Answer refreshed = post(shop.adminUrl() + "/admin/oauth/access_token", Map.of("client_id", ShopifyEmulator.CLIENT_ID,
                    "client_secret", SECRET, "grant_type", "refresh_token", "refresh_token", refresh));
            assertThat(refreshed.status()).isEqualTo(200);
            Answer tooLate = exchange(shop, old);
            assertThat(tooLate.status()).as("after a refresh the old token recovers nothing").isEqualTo(400);
            assertThat(tooLate.json().path("error").asText()).isEqualTo("invalid_grant");

            Map<String, String> incomplete = new LinkedHashMap<>(Map.of("client_id", ShopifyEmulator.CLIENT_ID, "client_secret", SECRET,
                    "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token", "x"));
            assertThat(post(shop.adminUrl() + "/admin/oauth/access_token", incomplete).json().path("error").asText()).isEqualTo("invalid_request");
        }
    }

    @Test
    void from2027NonExpiringTokensAreRefusedAndCannotBeExchangedAnyMore() throws Exception {
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(2).orders(1).products(1).customers(1).clientSecret(SECRET).start()) {
            EmulatedShop migrated = emu.shops().get(0);
            EmulatedShop late = emu.shops().get(1);
            String expiring = exchange(migrated, migrated.accessToken()).json().path("access_token").asText();
            HttpResponse<String> set = http.send(HttpRequest.newBuilder(URI.create(emu.baseUrl() + "/_emulator/settings"))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"rejectNonExpiringTokens\":true}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(set.body()).path("rejectNonExpiringTokens").asBoolean()).isTrue();
            assertThat(graphqlStatus(late, late.accessToken())).isEqualTo(401);
            assertThat(exchange(late, late.accessToken()).status()).isEqualTo(400);
            assertThat(graphqlStatus(migrated, expiring)).isEqualTo(200);
        }
    }
}
