package io.shopifysync.shopify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shopifysync.accounts.ShopCredentials;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leaf steps of the {@code shopify-graphql} routes (routes/shopify-api.yaml), which hold the flow and the retries:
 * {@link #begin} settles credentials and cost, {@link #acquire} waits for the shop's rate limit and reserves the
 * estimated cost, {@link #request} builds the POST, {@link #answered} mirrors the reported bucket, {@link #data}
 * classifies the answer, {@link #failed} gives a failed attempt's reservation back, {@link #refreshAfterRefusal} decides
 * the one retry of a refused token. {@link #execute} is the Java callers' door to the route.
 */
public class ShopifyGraphql {

    private static final Logger LOG = LoggerFactory.getLogger(ShopifyGraphql.class);
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** Exchange properties the routes keep between steps and attempts (all set by this bean). */
    static final String REQUEST = "graphqlRequest";
    /** The credentials of the call in progress (the caller's shopCredentials, or the stored ones), refreshed as it goes. */
    static final String CALL_CREDENTIALS = "shopifyCallCredentials";
    /** What Shopify counted for the query answered: the caller sizes its next page from it (PageReads). */
    public static final String REQUESTED_COST = "shopifyRequestedCost";
    static final String ESTIMATE = "graphqlEstimate";
    static final String RESERVED = "shopifyThrottleReserved";
    static final String ATTEMPTED = "shopifyAttempted";
    static final String REFRESHED = "shopifyRefreshedAfterRefusal";
    static final String REFRESH_REFUSED = "shopifyRefreshRefused";

    /**
     * First step of {@code shopify-graphql}: keeps the request (body) for every attempt, settles the credentials (the
     * caller's {@code shopCredentials} or the stored ones, refreshed when they expire soon) and the estimated cost.
     */
    public void begin(Exchange exchange) {
        GraphqlRequest request = exchange.getMessage().getBody(GraphqlRequest.class);
        if (request == null) {
            throw new IllegalArgumentException("direct:shopify-graphql takes a GraphqlRequest body, not "
                    + exchange.getMessage().getBody());
        }
        // a route calls many times in one exchange (pages): each call starts afresh, from the token stored now
        exchange.removeProperty(ATTEMPTED);
        exchange.removeProperty(REFRESHED);
        exchange.removeProperty(REFRESH_REFUSED);
        ShopCredentials given = exchange.getProperty(CREDENTIALS, ShopCredentials.class);
        if (given == null) {
            given = tokens.stored(exchange.getProperty(SHOP, String.class));
        }
        exchange.setProperty(SHOP, given.shop().value());
        exchange.setProperty(REQUEST, request);
        exchange.setProperty(CALL_CREDENTIALS, tokens.current(given));
        exchange.setProperty(ESTIMATE, QueryCost.estimate(request.query(), request.variables()));
    }

    /**
     * Waits until the shop's bucket has the estimated cost (first come, first served; a Retry-After pause holds every
     * caller of the shop) and reserves it. An interrupted waiter gives up its place in the queue.
     */
    public void acquire(Exchange exchange) {
        ShopThrottle throttle = throttles.of(exchange.getProperty(SHOP, String.class));
        int estimate = exchange.getProperty(ESTIMATE, Integer.class);
        try {
            for (long wait = throttle.tryAcquire(estimate); wait > 0; wait = throttle.tryAcquire(estimate)) {
                pause(wait);
            }
        } catch (RuntimeException e) {
            throttle.leave();
            throw e;
        }
        exchange.setProperty(RESERVED, true);
        exchange.setProperty(ATTEMPTED, true);
    }

    /** The request of this attempt: URL and token of the current credentials, the GraphQL JSON body. */
    public void request(Exchange exchange) {
        ShopCredentials shop = exchange.getProperty(CALL_CREDENTIALS, ShopCredentials.class);
        GraphqlRequest request = exchange.getProperty(REQUEST, GraphqlRequest.class);
        exchange.setProperty(ShopifyHttp.URL, endpoint(shop));
        exchange.setProperty(ShopifyHttp.TOKEN, shop.accessToken());
        exchange.getMessage().setBody(requestBody(request.query(), request.variables()));
    }

    /**
     * Mirrors the bucket the answer reports ({@code extensions.cost.throttleStatus}) and gives the reservation back;
     * a THROTTLED answer is {@link Throttled} (the next attempt's {@link #acquire} waits for the points; Shopify's own
     * count of the query becomes the estimate).
     */
    public void answered(Exchange exchange) {
        JsonNode response = exchange.getMessage().getBody(JsonNode.class);
        String shop = exchange.getProperty(SHOP, String.class);
        int estimate = exchange.getProperty(ESTIMATE, Integer.class);
        observeVersion(exchange);
        JsonNode cost = response.path("extensions").path("cost");
        JsonNode status = cost.path("throttleStatus");
        boolean throttledAnswer = isThrottled(response);
        exchange.removeProperty(RESERVED);
        throttles.of(shop).answered(estimate, status.path("maximumAvailable").asDouble(),
                status.path("currentlyAvailable").asDouble(), status.path("restoreRate").asDouble(), throttledAnswer);
        if (throttledAnswer) {
            int needed = Math.max(estimate, cost.path("requestedQueryCost").asInt(estimate));
            exchange.setProperty(ESTIMATE, needed);
            LOG.debug("{} THROTTLED; waiting for {} points", shop, needed);
            throw new Throttled(needed);
        }
    }

    /** Classifies a GraphQL answer that was not THROTTLED; returns its {@code data}. */
    public JsonNode data(Exchange exchange) {
        JsonNode response = exchange.getMessage().getBody(JsonNode.class);
        String shop = exchange.getProperty(SHOP, String.class);
        JsonNode errors = response.path("errors");
        JsonNode data = response.get("data");
        boolean noData = data == null || data.isNull();
        if (errors.size() > 0 && noData && hasCode(errors, "SHOP_PENDING_TERMINATION")) {
            // Shopify is reviewing the shop (it may be closed): a shop state, re-checked slowly like 423, not a bad query
            throw new ShopifyApiException(ShopifyApiException.Kind.SHOP_UNAVAILABLE, 200,
                    "shop under review, pending termination (SHOP_PENDING_TERMINATION)");
        }
        if (errors.size() > 0 && noData && hasCode(errors, "INTERNAL_SERVER_ERROR")) {
            // Shopify's own failure answered as HTTP 200: retried like a 5xx
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 200,
                    "GraphQL errors from the shop's API: INTERNAL_SERVER_ERROR");
        }
        AccessDeniedException denied = AccessDeniedException.from(errors);
        if (denied != null) {
            // partial data without the denied fields would be stored as if the store had none: refuse it whole
            LOG.warn("{}: {}", shop, denied.getMessage());
            throw denied;
        }
        if (errors.size() > 0 && noData) {
            LOG.warn("{}: GraphQL errors: {}", shop, abbreviate(errors.toString()));
            throw new ShopifyApiException(ShopifyApiException.Kind.QUERY_REJECTED, 200,
                    "GraphQL errors from the shop's API: " + ShopifyApiException.codesOf(errors));
        }
        if (data == null) {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, 200, "answer without data");
        }
        exchange.setProperty(REQUESTED_COST, response.path("extensions").path("cost").path("requestedQueryCost").asInt(0));
        return data;
    }

    /**
     * A failed attempt (the {@code doCatch} of shopify-graphql-attempt): its reservation is given back (HTTP 429: as
     * throttled, and no caller of the shop gets points before Retry-After), and a failure without an HTTP answer
     * (connection refused, reset, timeout) becomes a TRANSIENT {@link ShopifyApiException} that names no URL or token.
     */
    public void failed(Exchange exchange) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String shop = exchange.getProperty(SHOP, String.class);
        int estimate = exchange.getProperty(ESTIMATE, Integer.class);
        observeVersion(exchange);
        ShopThrottle throttle = throttles.of(shop);
        if (exchange.getProperty(RESERVED) != null) {
            exchange.removeProperty(RESERVED);
            throttle.answered(estimate, 0, 0, 0, caught instanceof ShopifyHttp.RateLimited);
        }
        if (caught instanceof ShopifyHttp.RateLimited limited) {
            // every caller of this shop waits out Retry-After, not only this one: the next call comes after it
            throttle.pauseFor(limited.waitMillis());
            LOG.debug("{}: HTTP 429; waiting {} ms (Retry-After)", shop, limited.waitMillis());
        }
        if (caught instanceof ShopifyApiException e) {
            throw e.calledWith(exchange.getProperty(CALL_CREDENTIALS, ShopCredentials.class).tokenVersion());
        }
        throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT,
                "calling the API of " + shop + " failed: " + ShopifyApiException.transportFailure(caught), caught);
    }

    /**
     * The {@code retryWhile} of a refused call (AUTH_FAILED from the shop): one refresh (or the token another process
     * stored), then the attempt again; a second refusal, or no newer token, is the shop's answer. A refusal of the
     * refresh itself is the answer: the next attempt's {@link #checkCredentials} fails with it, without calling the shop.
     */
    public boolean refreshAfterRefusal(Exchange exchange) {
        if (exchange.getProperty(ATTEMPTED) == null || exchange.getProperty(REFRESHED) != null) {
            return false; // the credentials were refused before any call, or after a refresh already
        }
        exchange.setProperty(REFRESHED, true);
        ShopCredentials refused = exchange.getProperty(CALL_CREDENTIALS, ShopCredentials.class);
        try {
            ShopCredentials renewed = tokens.afterRefusal(refused);
            if (renewed == null) {
                return false;
            }
            exchange.setProperty(CALL_CREDENTIALS, renewed);
            return true;
        } catch (ShopifyApiException e) {
            // the refresh itself was refused: the next attempt's checkCredentials step answers with that refusal
            exchange.setProperty(REFRESH_REFUSED, e);
            return true;
        }
    }

    /** First step of an attempt: a refused token refresh (see {@link #refreshAfterRefusal}) is the call's answer. */
    public void checkCredentials(Exchange exchange) {
        ShopifyApiException refused = exchange.getProperty(REFRESH_REFUSED, ShopifyApiException.class);
        if (refused != null) {
            exchange.removeProperty(REFRESH_REFUSED);
            throw refused.calledWith(exchange.getProperty(CALL_CREDENTIALS, ShopCredentials.class).tokenVersion());
        }
    }

    private void observeVersion(Exchange exchange) {
        ApiVersions watch = versions;
        if (watch != null) {
            watch.observed(exchange.getProperty(SHOP, String.class), exchange.getProperty(ShopifyHttp.SERVED_VERSION, String.class));
        }
    }

    /** A THROTTLED answer: the shop's bucket did not have the query's cost; retried once the points are back. */
    public static final class Throttled extends ShopifyApiException {
        public Throttled(int cost) {
            super(Kind.TRANSIENT, 200, "THROTTLED: the shop's rate limit had no room for a query costing " + cost + " points");
        }
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
