package io.shopifysync.shopify;

/**
 * A failed call to a store, classified (ARCHITECTURE.md principle 8) so callers know whether to retry,
 * change the shop's status, or dead-letter. Messages never contain tokens.
 */
public class ShopifyApiException extends RuntimeException {

    /** What kind of failure this is. */
    public enum Kind {
        /** 5xx, timeouts, resets, THROTTLED beyond patience: retry later with backoff. */
        TRANSIENT,
        /** 401/403: the token is invalid or revoked. */
        AUTH_FAILED,
        /** 402 frozen, 404 shop gone, 423 locked: stop calling until an operator acts. */
        SHOP_UNAVAILABLE,
        /** GraphQL errors in a well-formed answer (a query we built wrong, access denied to a field). */
        QUERY_REJECTED
    }

    private final Kind kind;
    private final int httpStatus;

    public ShopifyApiException(Kind kind, int httpStatus, String message) {
        super(message);
        this.kind = kind;
        this.httpStatus = httpStatus;
    }

    public ShopifyApiException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.httpStatus = 0;
    }

    public Kind kind() {
        return kind;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public boolean isTransient() {
        return kind == Kind.TRANSIENT;
    }
}
