package io.shopifysync.scopes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.shopify.ShopifyApiException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One GraphQL call outside the running application ({@code accounts add} on the command line has no Camel context):
 * POSTs the document with the shop's token and returns {@code data}. Failures are classified, never echo the body.
 */
public final class DirectScopeReader implements AccessScopes.Reader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1 << 20;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String apiVersion;

    public DirectScopeReader(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    @Override
    public JsonNode read(ShopCredentials shop, String query) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(shop.apiUrl() + "/admin/api/" + apiVersion + "/graphql.json"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("X-Shopify-Access-Token", shop.accessToken())
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("query", query).toString())).build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, "calling the API of " + shop.shop() + " failed: "
                    + ShopifyApiException.transportFailure(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, "interrupted", e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new ShopifyApiException(ShopifyApiException.Kind.AUTH_FAILED, status, "HTTP " + status + " from the shop's API");
        }
        if (status != 200 || response.body().length > MAX_BODY) {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, status, "HTTP " + status + " from the shop's API");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 200, "an answer that is not JSON from the shop's API");
        }
        JsonNode data = body == null ? null : body.get("data");
        if (data == null || data.isNull()) {
            throw new ShopifyApiException(ShopifyApiException.Kind.QUERY_REJECTED, 200, "GraphQL errors from the shop's API: "
                    + ShopifyApiException.codesOf(body == null ? JSON.createArrayNode() : body.path("errors")));
        }
        return data;
    }
}
