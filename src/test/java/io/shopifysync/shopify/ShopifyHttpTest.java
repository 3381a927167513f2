package io.shopifysync.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import io.shopifysync.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The static classification of {@link ShopifyHttp#failUnlessOk} and {@link ShopifyGraphql#isThrottled}. */
class ShopifyHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path fixtures() {
        return Fixtures.dir();
    }

    private static JsonNode fixture(String relative) throws IOException {
        return JSON.readTree(fixtures().resolve(relative).toFile());
    }

    private static ShopifyApiException failure(int status, String retryAfter, String body) {
        ShopifyApiException e = catchThrowableOfType(ShopifyApiException.class,
                () -> ShopifyHttp.failUnlessOk(status, retryAfter, body));
        assertThat(e).as("HTTP " + status + " must throw").isNotNull();
        return e;
    }

    @Test
    void ok200Passes() {
        assertThatCode(() -> ShopifyHttp.failUnlessOk(200, null, "{\"data\":{}}")).doesNotThrowAnyException();
        assertThatCode(() -> ShopifyHttp.failUnlessOk(200, "5", null)).doesNotThrowAnyException();
    }

    @Test
    void unauthorizedAndForbiddenAreAuthFailed() {
        String body = "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}";
        ShopifyApiException e401 = failure(401, null, body);
        assertThat(e401.kind()).isEqualTo(ShopifyApiException.Kind.AUTH_FAILED);
        assertThat(e401.httpStatus()).isEqualTo(401);
        assertThat(e401.isTransient()).isFalse();
        assertThat(e401.getMessage()).isEqualTo("access denied: HTTP 401 from the shop's API");
        assertThat(e401).isNotInstanceOf(ShopifyHttp.RateLimited.class);

        ShopifyApiException e403 = failure(403, null, "");
        assertThat(e403.kind()).isEqualTo(ShopifyApiException.Kind.AUTH_FAILED);
        assertThat(e403.httpStatus()).isEqualTo(403);
        assertThat(e403.getMessage()).isEqualTo("access denied: HTTP 403 from the shop's API");
    }

    @Test
    void frozenMissingAndLockedShopsAreUnavailableWithTheirStatus() {
        ShopifyApiException e402 = failure(402, null, "{\"errors\":\"Unavailable Shop\"}");
        assertThat(e402.kind()).isEqualTo(ShopifyApiException.Kind.SHOP_UNAVAILABLE);
        assertThat(e402.httpStatus()).isEqualTo(402);
        assertThat(e402.getMessage()).startsWith("shop frozen").contains("HTTP 402").doesNotContain("Unavailable Shop");

        ShopifyApiException e404 = failure(404, null, "{\"errors\":\"Not Found\"}");
        assertThat(e404.kind()).isEqualTo(ShopifyApiException.Kind.SHOP_UNAVAILABLE);
        assertThat(e404.httpStatus()).isEqualTo(404);
        assertThat(e404.getMessage()).contains("not found").contains("HTTP 404");

        ShopifyApiException e423 = failure(423, null, null);
        assertThat(e423.kind()).isEqualTo(ShopifyApiException.Kind.SHOP_UNAVAILABLE);
        assertThat(e423.httpStatus()).isEqualTo(423);
        assertThat(e423.getMessage()).isEqualTo("shop locked: HTTP 423 from the shop's API");
        assertThat(e423.isTransient()).isFalse();
    }

    @Test
    void tooManyRequestsIsRateLimitedWithRetryAfter() {
        ShopifyApiException e = failure(429, "2.5", "{\"errors\":\"Exceeded 2 calls per second for api client.\"}");
        assertThat(e).isInstanceOf(ShopifyHttp.RateLimited.class);
        assertThat(((ShopifyHttp.RateLimited) e).waitMillis()).isEqualTo(2500);
        assertThat(e.kind()).isEqualTo(ShopifyApiException.Kind.TRANSIENT);
        assertThat(e.httpStatus()).isEqualTo(429);
        assertThat(e.isTransient()).isTrue();

        assertThat(((ShopifyHttp.RateLimited) failure(429, "7", null)).waitMillis()).isEqualTo(7000);
        assertThat(((ShopifyHttp.RateLimited) failure(429, " 1.0 ", null)).waitMillis()).isEqualTo(1000);
        assertThat(((ShopifyHttp.RateLimited) failure(429, "0.25", null)).waitMillis()).isEqualTo(250);
    }

    @Test
    void aMissingOrMalformedRetryAfterMeansOneSecond() {
        assertThat(((ShopifyHttp.RateLimited) failure(429, "soon", null)).waitMillis()).isEqualTo(1000);
        assertThat(((ShopifyHttp.RateLimited) failure(429, "Wed, 21 Oct 2015 07:28:00 GMT", null)).waitMillis())
                .isEqualTo(1000);
        assertThat(((ShopifyHttp.RateLimited) failure(429, "", null)).waitMillis()).isEqualTo(1000);
        assertThat(((ShopifyHttp.RateLimited) failure(429, null, null)).waitMillis()).isEqualTo(1000);
        // a negative header never means "wait a negative time"
        assertThat(((ShopifyHttp.RateLimited) failure(429, "-3", null)).waitMillis()).isZero();
    }

    @Test
    void serverErrorsAreTransient() {
        for (int status : new int[] {500, 502, 503, 504}) {
            ShopifyApiException e = failure(status, null, "<html>\n  <body>Service unavailable</body>\n</html>");
            assertThat(e.kind()).as("HTTP " + status).isEqualTo(ShopifyApiException.Kind.TRANSIENT);
            assertThat(e.httpStatus()).isEqualTo(status);
            assertThat(e.isTransient()).isTrue();
            assertThat(e).isNotInstanceOf(ShopifyHttp.RateLimited.class);
            assertThat(e.getMessage()).isEqualTo("HTTP " + status + " from the shop's API");
        }
    }

    @Test
    void badRequestIsQueryRejected() {
        ShopifyApiException e = failure(400, null, "{\"errors\":{\"query\":\"Required parameter missing or invalid\"}}");
        assertThat(e.kind()).isEqualTo(ShopifyApiException.Kind.QUERY_REJECTED);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).isEqualTo("HTTP 400 from the shop's API");
    }

    @Test
    void messagesNeverQuoteTheBody() {
        // the API URL may point at any server: its answer must not reach status_reason, last_error or dead letters
        String body = "{\"Code\":\"Success\",\"SecretAccessKey\":\"AKIA-SECRET-FROM-METADATA\"}";
        for (int status : new int[] {400, 401, 402, 403, 404, 423, 500, 503}) {
            String m = failure(status, null, body).getMessage();
            assertThat(m).as("HTTP " + status).contains("HTTP " + status + " from the shop's API").doesNotContain("SECRET", "Code");
            assertThat(m.length()).isLessThanOrEqualTo(80);
        }
    }

    @Test
    void theThrottledFixtureIsThrottled() throws IOException {
        assertThat(ShopifyGraphql.isThrottled(fixture("graphql/throttled.json"))).isTrue();
    }

    @Test
    void anInternalServerErrorIsNotThrottled() throws IOException {
        JsonNode ise = fixture("graphql/internal-server-error.json");
        assertThat(ise.path("errors")).hasSize(1); // the fixture does have an error, just not THROTTLED
        assertThat(ShopifyGraphql.isThrottled(ise)).isFalse();
    }

    @Test
    void otherAnswersAreNotThrottled() throws IOException {
        assertThat(ShopifyGraphql.isThrottled(fixture("graphql/orders-page.json"))).isFalse();
        assertThat(ShopifyGraphql.isThrottled(fixture("graphql/invalid-variables-error.json"))).isFalse();
        assertThat(ShopifyGraphql.isThrottled(JSON.readTree("{}"))).isFalse();
        // THROTTLED among other errors still counts
        assertThat(ShopifyGraphql.isThrottled(JSON.readTree(
                "{\"errors\":[{\"message\":\"x\"},{\"message\":\"Throttled\",\"extensions\":{\"code\":\"THROTTLED\"}}]}")))
                .isTrue();
        // the word in a message is not the code
        assertThat(ShopifyGraphql.isThrottled(JSON.readTree("{\"errors\":[{\"message\":\"THROTTLED\"}]}"))).isFalse();
    }

    /** A bulk result download as the route leaves it: the requested offset, the status, the headers, a body. */
    private static org.apache.camel.Exchange download(long offset, int status, String contentRange) {
        org.apache.camel.Exchange ex = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        ex.setProperty(ShopifyHttp.RANGE_START, offset);
        ex.getMessage().setHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE, status);
        if (contentRange != null) {
            ex.getMessage().setHeader("Content-Range", contentRange);
        }
        ex.getMessage().setBody(new java.io.ByteArrayInputStream("<Error><Code>ExpiredToken</Code></Error>".getBytes()));
        return ex;
    }

    private static long skipOf(org.apache.camel.Exchange ex) {
        new ShopifyHttp().checkDownload(ex);
        return ex.getProperty(ShopifyHttp.SKIP_BYTES, Long.class);
    }

    @Test
    void aResumedDownloadSkipsWhatPrecedesTheCommittedOffset() {
        assertThat(skipOf(download(0, 200, null))).isZero();
        assertThat(skipOf(download(500, 206, "bytes 500-999/1000"))).isZero();
        assertThat(skipOf(download(500, 206, "bytes 400-999/1000"))).as("a range that starts early").isEqualTo(100);
        assertThat(skipOf(download(500, 200, null))).as("Range ignored: the whole file").isEqualTo(500);
        org.apache.camel.Exchange end = download(1000, 416, "bytes */1000");
        assertThat(skipOf(end)).isZero();
        assertThat(end.getMessage().getBody(java.io.InputStream.class)).as("nothing is left to read").isEmpty();
    }

    @Test
    void aDeadOrMisalignedResultLinkIsUnusableAndTransientFailuresStayTransient() {
        for (var bad : java.util.List.of(download(0, 400, null), download(300, 403, null), download(0, 404, null),
                download(0, 410, null), download(500, 206, "bytes 600-999/1000"), download(500, 206, null),
                download(900, 416, "bytes */1000"), download(0, 416, "bytes */0"))) {
            ShopifyHttp.ResultUnusable e = catchThrowableOfType(ShopifyHttp.ResultUnusable.class, () -> new ShopifyHttp().checkDownload(bad));
            assertThat(e).as("HTTP " + bad.getMessage().getHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE)).isNotNull();
            assertThat(e.getMessage()).doesNotContain("ExpiredToken");
        }
        for (int status : new int[] {0, 408, 429, 500, 503}) {
            ShopifyApiException e = catchThrowableOfType(ShopifyApiException.class, () -> new ShopifyHttp().checkDownload(download(0, status, null)));
            assertThat(e).isNotInstanceOf(ShopifyHttp.ResultUnusable.class);
            assertThat(e.isTransient()).as("HTTP " + status).isTrue();
        }
    }
}
