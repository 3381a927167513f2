package io.shopifysync.shopify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The two ends of the {@code shopify-graphql} route: {@link #prepare} turns exchange properties into
 * exactly the HTTP request Shopify expects (and nothing else), {@link #read} classifies the answer.
 */
public final class ShopifyHttp {

    public static final String URL = "shopifyUrl";
    public static final String TOKEN = "shopifyToken";
    public static final String RANGE_START = "shopifyRangeStart";
    /** Set by {@link #checkDownload}: how many bytes of the body precede the requested offset (a server that ignored Range). */
    public static final String SKIP_BYTES = "shopifySkipBytes";
    private static final Pattern CONTENT_RANGE = Pattern.compile("\\s*bytes\\s+(\\d+)-\\d+/(\\d+|\\*)\\s*");
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("\\s*bytes\\s+\\*/(\\d+)\\s*");
    /** The exchange property {@link #read} sets from Shopify's X-Shopify-API-Version header: the version that answered. */
    public static final String SERVED_VERSION = "shopifyServedApiVersion";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A GraphQL POST with the store's token; no other header leaves the process. Camel's redelivery headers stay: the
     * caller's error handler counts its redeliveries in them (camel-http never sends Camel* headers).
     */
    public void prepare(Exchange exchange) {
        Message m = exchange.getMessage();
        m.removeHeaders("*", Exchange.REDELIVERED, Exchange.REDELIVERY_COUNTER, Exchange.REDELIVERY_MAX_COUNTER);
        m.setHeader(Exchange.HTTP_URI, exchange.getProperty(URL, String.class));
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader("Accept", "application/json");
        m.setHeader("X-Shopify-Access-Token", exchange.getProperty(TOKEN, String.class));
    }

    /** A plain GET of a bulk result file (a signed URL: no token), from a byte offset when resuming. */
    public void prepareDownload(Exchange exchange) {
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setBody(null);
        m.setHeader(Exchange.HTTP_URI, exchange.getProperty(URL, String.class));
        m.setHeader(Exchange.HTTP_METHOD, "GET");
        Long from = exchange.getProperty(RANGE_START, Long.class);
        if (from != null && from > 0) {
            m.setHeader("Range", "bytes=" + from + "-");
        }
    }

    /** Classifies a GraphQL answer; returns the parsed body of a 200. */
    public JsonNode read(Exchange exchange) {
        Message m = exchange.getMessage();
        m.removeHeader("X-Shopify-Access-Token");
        int status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String served = m.getHeader("X-Shopify-API-Version", String.class);
        if (served != null && served.length() <= 32) {
            exchange.setProperty(SERVED_VERSION, served);
        }
        String body = m.getBody(String.class);
        failUnlessOk(status, m.getHeader("Retry-After", String.class), body);
        try {
            JsonNode answer = JSON.readTree(body == null ? "" : body);
            if (answer == null || !answer.isObject()) {
                throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, status, "response is not GraphQL JSON (HTTP " + status + ")");
            }
            return answer;
        } catch (JsonProcessingException e) {
            throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, status, "response is not GraphQL JSON (HTTP " + status + ")");
        }
    }

    /**
     * Checks a download and sets {@link #SKIP_BYTES}; the body stays a stream for the caller. 206 must start at or before the
     * requested offset (Content-Range), 200 is the whole file (Range ignored), 416 at exactly the file's length is an empty
     * rest (everything was committed before). A link the storage refuses (expired, denied, gone) is {@link ResultUnusable}.
     */
    public void checkDownload(Exchange exchange) {
        Message m = exchange.getMessage();
        int status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        Long from = exchange.getProperty(RANGE_START, Long.class);
        long offset = from == null ? 0 : from;
        switch (status) {
            case 200 -> exchange.setProperty(SKIP_BYTES, offset);
            case 206 -> {
                Matcher r = CONTENT_RANGE.matcher(String.valueOf(m.getHeader("Content-Range", String.class)));
                long start = r.matches() ? Long.parseLong(r.group(1)) : -1;
                if (start < 0 || start > offset) {
                    closeBody(m);
                    throw new ResultUnusable(206, "bulk result download answered a range that does not start at byte " + offset);
                }
                exchange.setProperty(SKIP_BYTES, offset - start);
            }
            case 416 -> {
                Matcher r = UNSATISFIED_RANGE.matcher(String.valueOf(m.getHeader("Content-Range", String.class)));
                closeBody(m);
                if (offset == 0 || !r.matches() || Long.parseLong(r.group(1)) != offset) {
                    throw new ResultUnusable(416, "bulk result is not " + offset + " bytes long any more (HTTP 416)");
                }
                m.setBody(InputStream.nullInputStream());
                exchange.setProperty(SKIP_BYTES, 0L);
            }
            default -> {
                closeBody(m);
                if (status >= 500 || status == 0 || status == 408 || status == 429) {
                    throw new ShopifyApiException(ShopifyApiException.Kind.TRANSIENT, status, "bulk result download answered HTTP " + status);
                }
                // the status only: the body is the storage's (an XML error), not ours to show
                throw new ResultUnusable(status, "bulk result link answered HTTP " + status + " (expired or refused)");
            }
        }
    }

    private static void closeBody(Message m) {
        if (m.getBody() instanceof Closeable c) {
            try {
                c.close();
            } catch (IOException ignored) {
                // the connection is discarded either way
            }
        }
    }

    /** A bulk result link that cannot give the committed rest of the file: expired (7 days), refused, or not the same file. */
    public static final class ResultUnusable extends ShopifyApiException {
        public ResultUnusable(int status, String message) {
            super(Kind.TRANSIENT, status, message);
        }
    }

    static void failUnlessOk(int status, String retryAfter, String body) {
        if (status == 200) {
            return;
        }
        // the status only: the body is whatever the URL's server says, and it ends up in status output
        String detail = "HTTP " + status + " from the shop's API";
        switch (status) {
            case 401, 403 -> throw new ShopifyApiException(ShopifyApiException.Kind.AUTH_FAILED, status, "access denied: " + detail);
            case 402 -> throw new ShopifyApiException(ShopifyApiException.Kind.SHOP_UNAVAILABLE, status, "shop frozen (payment due): " + detail);
            case 404 -> throw new ShopifyApiException(ShopifyApiException.Kind.SHOP_UNAVAILABLE, status, "shop paused, gone or API version not found: " + detail);
            case 423 -> throw new ShopifyApiException(ShopifyApiException.Kind.SHOP_UNAVAILABLE, status, "shop locked: " + detail);
            case 429 -> throw new RateLimited(retryAfter);
            // no status (connection lost), request timeout and 5xx are worth another try; the rest is our request
            default -> throw new ShopifyApiException(status >= 500 || status == 0 || status == 408
                    ? ShopifyApiException.Kind.TRANSIENT : ShopifyApiException.Kind.QUERY_REJECTED, status,
                    detail);
        }
    }

    /** HTTP 429 (REST-style rate limit); Retry-After says how long to wait. */
    public static final class RateLimited extends ShopifyApiException {
        private final long waitMillis;

        RateLimited(String retryAfter) {
            super(Kind.TRANSIENT, 429, "rate limited (HTTP 429)");
            long w = 1000;
            try {
                w = retryAfter == null ? 1000 : (long) (Double.parseDouble(retryAfter.trim()) * 1000);
            } catch (NumberFormatException ignored) {
                // keep one second: the header is malformed
            }
            this.waitMillis = Math.max(0, w);
        }

        public long waitMillis() {
            return waitMillis;
        }
    }
}
