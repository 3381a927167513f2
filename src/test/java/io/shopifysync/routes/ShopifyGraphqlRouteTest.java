package io.shopifysync.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.shopify.GraphqlRequest;
import io.shopifysync.shopify.ShopThrottle;
import io.shopifysync.shopify.ShopifyApiException;
import io.shopifysync.shopify.ShopifyGraphql;
import io.shopifysync.shopify.ShopifyHttp;
import io.shopifysync.shopify.Throttles;
import io.shopifysync.shopify.TokenRefresher;
import io.shopifysync.testing.RouteFiles;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

/**
 * routes/shopify-api.yaml's shopify-graphql with Shopify replaced (AdviceWith on the https endpoint of
 * shopify-graphql-attempt): which answers are retried, how long it waits, and what reaches the caller.
 */
class ShopifyGraphqlRouteTest extends CamelTestSupport {

    private static final String DOMAIN = "retry.myshopify.com";
    private static final ShopCredentials SHOP = new ShopCredentials(ShopDomain.parse(DOMAIN), "https://retry.example",
            "shpat_old", "INSTALLED", ShopCredentials.TokenKind.STATIC, null, null, 7);
    private static final String OK = "{\"data\":{\"shop\":{\"name\":\"Retry\"}},\"extensions\":{\"cost\":{\"requestedQueryCost\":1,"
            + "\"actualQueryCost\":1,\"throttleStatus\":{\"maximumAvailable\":1000,\"currentlyAvailable\":999,\"restoreRate\":50}}}}";

    /** One scripted answer of the fake Shopify: a status, a body, a Retry-After, or a connection that fails. */
    private record Answer(int status, String body, String retryAfter, boolean refused) {
        static Answer of(int status, String body) {
            return new Answer(status, body, null, false);
        }
    }

    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Long> callNanos = new ArrayList<>();
    private final List<String> tokensSent = new ArrayList<>();
    private final AtomicInteger refreshes = new AtomicInteger();
    private volatile ShopCredentials renewed;
    /** What the database holds now, for a route caller that names the shop only. */
    private volatile ShopCredentials storedNow = SHOP;
    private volatile ShopifyApiException refreshRefusal;
    private final Throttles throttles = new Throttles();
    private ShopifyGraphql graphql;

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(true);
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        TokenRefresher tokens = new TokenRefresher(null, null, null, Duration.ofMinutes(5), Clock.systemUTC()) {
            @Override
            public ShopCredentials stored(String shop) {
                return storedNow;
            }

            @Override
            public ShopCredentials afterRefusal(ShopCredentials refused) {
                refreshes.incrementAndGet();
                if (refreshRefusal != null) {
                    throw refreshRefusal;
                }
                return renewed;
            }
        };
        graphql = new ShopifyGraphql(context.createProducerTemplate(), throttles, "2026-10", tokens);
        registry.bind("shopifyGraphql", graphql);
        registry.bind("shopifyHttp", new ShopifyHttp());
    }

    private void start(Answer... answers) throws Exception {
        script.addAll(List.of(answers));
        RouteFiles.load(context, "shopify-api.yaml");
        AdviceWith.adviceWith(context, "shopify-graphql-attempt", a -> a.weaveByToUri("https://shopify-admin-api*").replace()
                .process(this::shopify));
        context.start();
    }

    /** The fake Shopify: the next scripted answer (the last one again when the script runs out). */
    private void shopify(Exchange exchange) throws Exception {
        callNanos.add(System.nanoTime());
        tokensSent.add(exchange.getMessage().getHeader("X-Shopify-Access-Token", String.class));
        Answer a = script.size() > 1 ? script.poll() : script.peek();
        if (a.refused()) {
            throw new ConnectException("Connection refused to https://retry.example with shpat_old");
        }
        // like camel-http (copyHeaders): the request's headers stay, the answer's are added
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, a.status());
        exchange.getMessage().setHeader("X-Shopify-API-Version", "2026-10");
        if (a.retryAfter() != null) {
            exchange.getMessage().setHeader("Retry-After", a.retryAfter());
        }
        exchange.getMessage().setBody(a.body());
    }

    private JsonNode call() {
        return graphql.execute(SHOP, "{ shop { name } }", Map.of());
    }

    private long millisBetweenCalls(int i) {
        return (callNanos.get(i) - callNanos.get(i - 1)) / 1_000_000;
    }

    private void assertNoReservationLeft() {
        ShopThrottle throttle = throttles.of(DOMAIN);
        assertThat(throttle.queued()).isZero();
        // an unknown shop allows one call at a time: a reservation left behind would make this wait
        assertThat(throttle.tryAcquire(1)).as("a reservation leaked").isZero();
    }

    @Test
    void theContractTakesTheShopDomainAndAGraphqlRequestAndAnswersData() throws Exception {
        renewed = null;
        start(Answer.of(200, OK));
        // no shopCredentials property: a route caller names the shop only; here the credentials come from the caller's
        // property because this test has no database
        Exchange done = template.send("direct:shopify-graphql", ex -> {
            ex.setProperty("shop", DOMAIN);
            ex.setProperty(ShopifyGraphql.CREDENTIALS, SHOP);
            ex.getMessage().setBody(GraphqlRequest.of("{ shop { name } }"));
        });
        assertThat(done.getException()).isNull();
        assertThat(done.getMessage().getBody(JsonNode.class).path("shop").path("name").asText()).isEqualTo("Retry");
        assertThat(done.getProperty(ShopifyHttp.SERVED_VERSION, String.class)).isEqualTo("2026-10");
        assertThat(callNanos).hasSize(1);
    }

    @Test
    void a5xxIsRetriedAndTheNextAnswersData() throws Exception {
        start(Answer.of(503, "<html>busy</html>"), Answer.of(200, OK));
        assertThat(call().path("shop").path("name").asText()).isEqualTo("Retry");
        assertThat(callNanos).hasSize(2);
        assertThat(millisBetweenCalls(1)).as("backoff with jitter around 100 ms").isBetween(40L, 1_000L);
        assertNoReservationLeft();
    }

    @Test
    void internalServerErrorInAnHttp200IsRetriedLikeA5xx() throws Exception {
        start(Answer.of(200, "{\"errors\":[{\"message\":\"boom\",\"extensions\":{\"code\":\"INTERNAL_SERVER_ERROR\"}}]}"),
                Answer.of(200, OK));
        assertThat(call().path("shop").path("name").asText()).isEqualTo("Retry");
        assertThat(callNanos).hasSize(2);
    }

    @Test
    void throttledWaitsForTheBucketThenAnswersData() throws Exception {
        // the bucket is empty and restores 100 points/s: 50 points are 500 ms away
        start(Answer.of(200, "{\"errors\":[{\"message\":\"Throttled\",\"extensions\":{\"code\":\"THROTTLED\"}}],"
                        + "\"extensions\":{\"cost\":{\"requestedQueryCost\":50,\"throttleStatus\":{\"maximumAvailable\":1000,"
                        + "\"currentlyAvailable\":0,\"restoreRate\":100}}}}"),
                Answer.of(200, OK));
        assertThat(call().path("shop").path("name").asText()).isEqualTo("Retry");
        assertThat(callNanos).hasSize(2);
        assertThat(millisBetweenCalls(1)).as("waited the bucket's deficit over its restore rate").isBetween(400L, 2_000L);
        assertThat(throttles.of(DOMAIN).throttledCount()).isEqualTo(1);
    }

    @Test
    void http429RetryAfterIsHonouredByTheNextAttemptAndEveryOtherCallerOfTheShop() throws Exception {
        start(new Answer(429, "", "1", false), Answer.of(200, OK));
        assertThat(call().path("shop").path("name").asText()).isEqualTo("Retry");
        assertThat(callNanos).hasSize(2);
        assertThat(millisBetweenCalls(1)).as("Retry-After: 1").isGreaterThanOrEqualTo(950L);
        assertNoReservationLeft();
    }

    @Test
    void http429PausesTheShopForEveryCaller() throws Exception {
        start(new Answer(429, "", "30", false));
        Thread caller = new Thread(() -> {
            try {
                call();
            } catch (RuntimeException expected) {
                // interrupted while waiting out Retry-After
            }
        });
        caller.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> callNanos.size() == 1
                && throttles.of(DOMAIN).tryAcquire(1) > 0);
        assertThat(throttles.of(DOMAIN).tryAcquire(1)).as("another caller of the shop waits out Retry-After too").isPositive();
        caller.interrupt();
        caller.join(5_000);
        throttles.of(DOMAIN).leave();
    }

    @Test
    void a401RefreshesTheTokenOnceAndTriesAgainWithTheNewOne() throws Exception {
        renewed = new ShopCredentials(SHOP.shop(), SHOP.apiUrl(), "shpat_new", "INSTALLED", ShopCredentials.TokenKind.STATIC, null, null);
        start(Answer.of(401, ""), Answer.of(200, OK));
        assertThat(call().path("shop").path("name").asText()).isEqualTo("Retry");
        assertThat(tokensSent).containsExactly("shpat_old", "shpat_new");
        assertThat(refreshes).hasValue(1);
    }

    @Test
    void eachCallOfARouteThatPagesInOneExchangeStartsFromTheTokenStoredNow() throws Exception {
        renewed = new ShopCredentials(SHOP.shop(), SHOP.apiUrl(), "shpat_renewed", "INSTALLED", ShopCredentials.TokenKind.STATIC, null, null, 8);
        start(Answer.of(401, ""), Answer.of(200, OK), Answer.of(200, OK), Answer.of(401, ""), Answer.of(200, OK));
        Exchange pages = new org.apache.camel.support.DefaultExchange(context);
        pages.setProperty("shop", DOMAIN);
        // page 1: refused, refreshed once, answered
        pages.getMessage().setBody(GraphqlRequest.of("{ shop { name } }"));
        assertThat(template.send("direct:shopify-graphql", pages).getException()).isNull();
        // another process stores a new token (a migration, the shop added again) before page 2
        storedNow = new ShopCredentials(SHOP.shop(), SHOP.apiUrl(), "shpat_migrated", "INSTALLED", ShopCredentials.TokenKind.STATIC, null, null, 9);
        pages.getMessage().setBody(GraphqlRequest.of("{ shop { name } }"));
        assertThat(template.send("direct:shopify-graphql", pages).getException()).isNull();
        // page 3: refused again; this call has its own one refresh
        pages.getMessage().setBody(GraphqlRequest.of("{ shop { name } }"));
        assertThat(template.send("direct:shopify-graphql", pages).getException()).isNull();
        assertThat(tokensSent).containsExactly("shpat_old", "shpat_renewed", "shpat_migrated", "shpat_migrated", "shpat_renewed");
        assertThat(refreshes).hasValue(2);
    }

    @Test
    void aSecondRefusalIsTheShopsAnswer() throws Exception {
        renewed = new ShopCredentials(SHOP.shop(), SHOP.apiUrl(), "shpat_new", "INSTALLED", ShopCredentials.TokenKind.STATIC, null, null, 8);
        start(Answer.of(401, ""));
        assertThatThrownBy(this::call).isInstanceOfSatisfying(ShopifyApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(ShopifyApiException.Kind.AUTH_FAILED);
            assertThat(e.tokenVersion()).as("the refused token is the renewed one, stored as version 8").isEqualTo(8);
        });
        assertThat(tokensSent).containsExactly("shpat_old", "shpat_new");
        assertThat(refreshes).hasValue(1);
        assertNoReservationLeft();
    }

    @Test
    void aRefusalWithoutANewerTokenIsNotRetried() throws Exception {
        renewed = null;
        start(Answer.of(401, ""));
        assertThatThrownBy(this::call).isInstanceOfSatisfying(ShopifyApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(ShopifyApiException.Kind.AUTH_FAILED);
            assertThat(e.tokenVersion()).as("the refusal names the stored token it refused").isEqualTo(7);
        });
        assertThat(callNanos).hasSize(1);
        assertThat(refreshes).hasValue(1);
    }

    @Test
    void aRefusedRefreshIsTheAnswer() throws Exception {
        refreshRefusal = new ShopifyApiException(ShopifyApiException.Kind.AUTH_FAILED, 400,
                "token request for " + DOMAIN + " refused (HTTP 400): invalid_grant");
        start(Answer.of(401, ""));
        assertThatThrownBy(this::call).isSameAs(refreshRefusal);
        assertThat(refreshRefusal.tokenVersion()).as("the refresh refused was that of stored version 7").isEqualTo(7);
        assertThat(callNanos).hasSize(1);
        assertThat(refreshes).hasValue(1);
        assertNoReservationLeft();
    }

    @Test
    void aRejectedQueryGoesBackAtOnce() throws Exception {
        start(Answer.of(200, "{\"errors\":[{\"message\":\"Field 'nope' doesn't exist\",\"extensions\":{\"code\":\"undefinedField\"}}]}"));
        assertThatThrownBy(this::call).isInstanceOfSatisfying(ShopifyApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(ShopifyApiException.Kind.QUERY_REJECTED);
            assertThat(e.getMessage()).isEqualTo("GraphQL errors from the shop's API: undefinedField");
        });
        assertThat(callNanos).hasSize(1);
        assertNoReservationLeft();
    }

    @Test
    void retriesExhaustedGiveTheTypedFailure() throws Exception {
        start(Answer.of(502, "bad gateway"));
        assertThatThrownBy(this::call).isInstanceOfSatisfying(ShopifyApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(ShopifyApiException.Kind.TRANSIENT);
            assertThat(e.httpStatus()).isEqualTo(502);
        });
        assertThat(callNanos).as("the first try and 3 redeliveries").hasSize(4);
        assertNoReservationLeft();
    }

    @Test
    void aLostConnectionIsRetriedThenATransientFailureThatNamesNoUrlOrToken() throws Exception {
        start(new Answer(0, null, null, true));
        assertThatThrownBy(this::call).isInstanceOfSatisfying(ShopifyApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(ShopifyApiException.Kind.TRANSIENT);
            assertThat(e.getMessage()).isEqualTo("calling the API of " + DOMAIN + " failed: connection refused");
        });
        assertThat(callNanos).hasSize(4);
        assertNoReservationLeft();
    }

    @Test
    void throttledEveryTimeGivesUpAfterEightWaits() throws Exception {
        start(Answer.of(200, "{\"errors\":[{\"message\":\"Throttled\",\"extensions\":{\"code\":\"THROTTLED\"}}],"
                + "\"extensions\":{\"cost\":{\"requestedQueryCost\":1,\"throttleStatus\":{\"maximumAvailable\":1000,"
                + "\"currentlyAvailable\":1000,\"restoreRate\":1000}}}}"));
        assertThatThrownBy(this::call).isInstanceOf(ShopifyGraphql.Throttled.class)
                .isInstanceOfSatisfying(ShopifyApiException.class, e -> assertThat(e.isTransient()).isTrue());
        assertThat(callNanos).as("the first try and 8 redeliveries").hasSize(9);
        assertNoReservationLeft();
    }
}
