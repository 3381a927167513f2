package io.shopifysync.shopify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shopifysync.accounts.ShopCredentials;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a store's Admin GraphQL API through the {@code shopify-graphql} route, inside that store's rate
 * limit: it reserves the estimated cost first, mirrors the reported bucket after, and on THROTTLED waits
 * exactly the deficit over the restore rate before trying again.
 */
public class ShopifyGraphql {

    private static final Logger LOG = LoggerFactory.getLogger(ShopifyGraphql.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_THROTTLED_RETRIES = 8;
    /** Transient failures (5xx, resets) are retried here a few times, 100 ms × 2^n with jitter, before the route backs off. */
    private static final int MAX_TRANSIENT_RETRIES = 3;

    private final ProducerTemplate producer;
    private final Throttles throttles;
    private final String apiVersion;
    private final TokenRefresher tokens;
    private volatile ApiVersions versions;

    public ShopifyGraphql(ProducerTemplate producer, Throttles throttles, String apiVersion, TokenRefresher tokens) {
        this.producer = producer;
        this.throttles = throttles;
        this.apiVersion = apiVersion;
        this.tokens = tokens;
    }

    /** Where the version each answer was served in goes (X-Shopify-API-Version). */
    public void setApiVersions(ApiVersions versions) {
        this.versions = versions;
    }

    public String endpoint(ShopCredentials shop) {
        return shop.apiUrl() + "/admin/api/" + apiVersion + "/graphql.json";
    }

    /** The exchange property a Java caller sets to call with credentials it holds (not yet stored, e.g. a registration). */
    public static final String CREDENTIALS = "shopCredentials";
    /** The exchange property naming the shop (its domain): the {@code direct:shopify-graphql} contract. */
    public static final String SHOP = "shop";
    /** Exchange property set on an answer: Shopify's {@code extensions.cost.requestedQueryCost} for it (0 if not reported). */
    public static final String REQUESTED_COST = "shopifyRequestedCost";

    /**
     * Runs a query or mutation through {@code direct:shopify-graphql}; returns {@code data}. GraphQL errors without data are
     * QUERY_REJECTED; every failure is a {@link ShopifyApiException} (or {@link AccessDeniedException}).
     */
    public JsonNode execute(ShopCredentials given, String query, Map<String, Object> variables) {
        Exchange result = producer.send("direct:shopify-graphql", ex -> {
            ex.setProperty(SHOP, given.shop().value());
            ex.setProperty(CREDENTIALS, given);
            ex.getMessage().setBody(new GraphqlRequest(query, variables));
        });
        Exception failure = result.getException();
        if (failure instanceof ShopifyApiException e) {
            throw e;
        }
        if (failure != null) {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT,
                    "calling the API of " + given.shop() + " failed: " + ShopifyApiException.transportFailure(failure), failure);
        }
        return result.getMessage().getBody(JsonNode.class);
    }

    /**
     * The {@code shopify-graphql} route's step: the request in the body, to the shop in property {@code shop} (with the
     * credentials of property {@code shopCredentials} when a caller gave them, else the stored ones); returns {@code data}.
     */
    public JsonNode call(Exchange exchange) {
        GraphqlRequest request = exchange.getMessage().getBody(GraphqlRequest.class);
        if (request == null) {
            throw new IllegalArgumentException("direct:shopify-graphql takes a GraphqlRequest body, not "
                    + exchange.getMessage().getBody());
        }
        ShopCredentials given = exchange.getProperty(CREDENTIALS, ShopCredentials.class);
        if (given == null) {
            given = tokens.stored(exchange.getProperty(SHOP, String.class));
        }
        return loop(given, request.query(), request.variables(), exchange);
    }

    private JsonNode loop(ShopCredentials given, String query, Map<String, Object> variables, Exchange exchange) {
        ShopCredentials shop = tokens.current(given);
        boolean refreshedAfterRefusal = false;
        ShopThrottle throttle = throttles.of(shop.shop().value());
        int estimate = QueryCost.estimate(query, variables);
        String body = requestBody(query, variables);
        int transientFailures = 0;
        for (int attempt = 0; ; attempt++) {
            try {
                for (long wait = throttle.tryAcquire(estimate); wait > 0; wait = throttle.tryAcquire(estimate)) {
                    pause(wait);
                }
            } catch (RuntimeException e) {
                throttle.leave(); // an interrupted waiter must not hold its place in the queue
                throw e;
            }
            JsonNode response;
            try {
                response = send(shop, body);
            } catch (ShopifyHttp.RateLimited e) {
                throttle.answered(estimate, 0, 0, 0, true);
                // every caller of this shop waits out Retry-After, not only this one: the next call comes after it
                throttle.pauseFor(e.waitMillis());
                if (attempt >= MAX_THROTTLED_RETRIES) {
                    throw e;
                }
                LOG.debug("{}: HTTP 429; waiting {} ms (Retry-After)", shop.shop(), e.waitMillis());
                continue;
            } catch (ShopifyApiException e) {
                throttle.answered(estimate, 0, 0, 0, false);
                if (e.kind() == ShopifyApiException.Kind.AUTH_FAILED && !refreshedAfterRefusal) {
                    // a 401 gets one refresh (or the token another process stored); a second 401 is the shop's answer
                    refreshedAfterRefusal = true;
                    ShopCredentials renewed = tokens.afterRefusal(shop);
                    if (renewed != null) {
                        shop = renewed;
                        continue;
                    }
                }
                if (!e.isTransient() || transientFailures >= MAX_TRANSIENT_RETRIES) {
                    throw e;
                }
                long base = 100L << transientFailures++;
                pause(base + ThreadLocalRandom.current().nextLong(base));
                continue;
            } catch (RuntimeException e) {
                throttle.answered(estimate, 0, 0, 0, false); // any other failure must not keep the reservation
                throw e;
            }
            JsonNode cost = response.path("extensions").path("cost");
            JsonNode status = cost.path("throttleStatus");
            boolean throttledAnswer = isThrottled(response);
            throttle.answered(estimate, status.path("maximumAvailable").asDouble(), status.path("currentlyAvailable").asDouble(),
                    status.path("restoreRate").asDouble(), throttledAnswer);
            if (throttledAnswer) {
                if (attempt >= MAX_THROTTLED_RETRIES) {
                    throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 200,
                            "still THROTTLED after " + attempt + " waits");
                }
                // Shopify's own count of this query is the better estimate for the retry
                estimate = Math.max(estimate, cost.path("requestedQueryCost").asInt(estimate));
                LOG.debug("{} THROTTLED; waiting for {} points", shop.shop(), estimate);
                continue;
            }
            JsonNode errors = response.path("errors");
            JsonNode data = response.get("data");
            if (errors.size() > 0 && (data == null || data.isNull()) && hasCode(errors, "SHOP_PENDING_TERMINATION")) {
                // Shopify is reviewing the shop (it may be closed): a shop state, re-checked slowly like 423, not a bad query
                throw new ShopifyApiException(ShopifyApiException.Kind.SHOP_UNAVAILABLE, 200,
                        "shop under review, pending termination (SHOP_PENDING_TERMINATION)");
            }
            if (errors.size() > 0 && (data == null || data.isNull()) && hasCode(errors, "INTERNAL_SERVER_ERROR")) {
                // Shopify's own failure answered as HTTP 200: retried like a 5xx, then left to the route's backoff
                if (transientFailures >= MAX_TRANSIENT_RETRIES) {
                    throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 200,
                            "GraphQL errors from the shop's API: INTERNAL_SERVER_ERROR");
                }
                long base = 100L << transientFailures++;
                pause(base + ThreadLocalRandom.current().nextLong(base));
                continue;
            }
            AccessDeniedException denied = AccessDeniedException.from(errors);
            if (denied != null) {
                // partial data without the denied fields would be stored as if the store had none: refuse it whole
                LOG.warn("{}: {}", shop.shop(), denied.getMessage());
                throw denied;
            }
            if (errors.size() > 0 && (data == null || data.isNull())) {
                LOG.warn("{}: GraphQL errors: {}", shop.shop(), abbreviate(errors.toString()));
                throw new ShopifyApiException(ShopifyApiException.Kind.QUERY_REJECTED, 200,
                        "GraphQL errors from the shop's API: " + ShopifyApiException.codesOf(errors));
            }
            if (data == null) {
                throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 200, "answer without data");
            }
            // the caller sizes its next page from what Shopify counted for this one (PageReads)
            exchange.setProperty(REQUESTED_COST, cost.path("requestedQueryCost").asInt(0));
            return data;
        }
    }

    private JsonNode send(ShopCredentials shop, String body) {
        Exchange result = producer.send("direct:shopify-graphql-attempt", ex -> {
            ex.setProperty(ShopifyHttp.URL, endpoint(shop));
            ex.setProperty(ShopifyHttp.TOKEN, shop.accessToken());
            ex.getMessage().setBody(body);
        });
        ApiVersions watch = versions;
        if (watch != null) {
            watch.observed(shop.shop().value(), result.getProperty(ShopifyHttp.SERVED_VERSION, String.class));
        }
        Exception failure = result.getException();
        if (failure instanceof ShopifyApiException e) {
            throw e;
        }
        if (failure != null) {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT,
                    "calling the API of " + shop.shop() + " failed: " + ShopifyApiException.transportFailure(failure), failure);
        }
        return result.getMessage().getBody(JsonNode.class);
    }

    private static boolean hasCode(JsonNode errors, String code) {
        for (JsonNode e : errors) {
            if (code.equals(e.path("extensions").path("code").asText())) {
                return true;
            }
        }
        return false;
    }

    static boolean isThrottled(JsonNode response) {
        for (JsonNode e : response.path("errors")) {
            if ("THROTTLED".equals(e.path("extensions").path("code").asText())) {
                return true;
            }
        }
        return false;
    }

    private static String requestBody(String query, Map<String, Object> variables) {
        ObjectNode req = JSON.createObjectNode();
        req.put("query", query);
        if (variables != null && !variables.isEmpty()) {
            req.set("variables", JSON.valueToTree(variables));
        }
        return req.toString();
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, "interrupted while waiting for the rate limit", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "…";
    }
}
