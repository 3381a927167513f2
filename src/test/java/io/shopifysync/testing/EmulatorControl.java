package io.shopifysync.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.emulator.ShopifyEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The emulator's control API (/_emulator/...), as tests drive it: over HTTP, like any user. */
public final class EmulatorControl {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;

    public EmulatorControl(ShopifyEmulator emulator) {
        this.base = emulator.baseUrl();
    }

    public JsonNode call(String method, String path, String json) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 == 2) {
                return JSON.readTree(r.body());
            }
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        }
    }

    /** Runs a GraphQL query as the shop's app would (for tests that need raw answers). */
    public JsonNode graphql(String shop, String token, String query, String variablesJson) {
        try {
            String body = "{\"query\":" + JSON.writeValueAsString(query) + (variablesJson == null ? "" : ",\"variables\":" + variablesJson) + "}";
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/shops/" + shop + "/admin/api/2026-10/graphql.json"))
                    .header("Content-Type", "application/json").header("X-Shopify-Access-Token", token)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            return JSON.readTree(HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            throw new AssertionError("GraphQL call failed", e);
        }
    }

    public byte[] download(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        } catch (Exception e) {
            throw new AssertionError("download failed", e);
        }
    }
}
