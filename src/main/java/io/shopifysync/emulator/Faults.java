package io.shopifysync.emulator;

import java.util.Map;

/** Injected faults for one shop's Admin API (all off by default). */
final class Faults {
    /** Probability [0,1] that a GraphQL request answers with the injected error. */
    volatile double errorRate;
    /** The HTTP status of injected errors: 500…599, or a shop state Shopify answers (402 frozen, 404, 423 locked, 429). */
    volatile int errorStatus = 500;
    /** The statuses besides 5xx that an injected error may have. */
    static final java.util.List<Integer> SHOP_STATUSES = java.util.List.of(402, 404, 423, 429);
    /** Retry-After (seconds) sent with an injected 429 or 503; null = none. */
    volatile Double retryAfterSeconds;
    /** Non-null: injected errors answer HTTP 200 with this GraphQL {@code errors[].extensions.code} instead of errorStatus. */
    volatile String errorCode;
    /** The top-level GraphQL error codes Shopify answers with HTTP 200 that the emulator injects. */
    static final java.util.List<String> GRAPHQL_ERROR_CODES = java.util.List.of("INTERNAL_SERVER_ERROR", "SHOP_PENDING_TERMINATION");
    /** Every GraphQL request fails until the faults are cleared (or this is set false): a frozen shop, unfrozen later. */
    volatile boolean failUntilCleared;
    /** Added latency per GraphQL request, in ms (not scaled by timeScale). */
    volatile long latencyMs;
    /** Probability [0,1] that the connection is closed without a response. */
    volatile double dropRate;
    /** A bulk operation started while this is >= 0 fails with {@link #bulkErrorCode} after this many objects. */
    volatile long bulkFailAfterObjects = -1;
    /** The errorCode of that failure: one of {@link #BULK_ERROR_CODES}. */
    volatile String bulkErrorCode = "INTERNAL_SERVER_ERROR";
    /** Shopify's BulkOperationErrorCode values. */
    static final java.util.List<String> BULK_ERROR_CODES = java.util.List.of("ACCESS_DENIED", "INTERNAL_SERVER_ERROR", "TIMEOUT");
    /** Whether the next N GraphQL requests answer the injected error regardless of errorRate. */
    volatile int failNextRequests;

    Map<String, Object> toMap() {
        return Json.obj("errorRate", errorRate, "errorStatus", errorStatus, "retryAfterSeconds", retryAfterSeconds,
                "errorCode", errorCode, "failUntilCleared", failUntilCleared, "latencyMs", latencyMs, "dropRate", dropRate,
                "bulkFailAfterObjects", bulkFailAfterObjects, "bulkErrorCode", bulkErrorCode, "failNextRequests", failNextRequests);
    }

    void clear() {
        errorRate = 0;
        errorStatus = 500;
        retryAfterSeconds = null;
        errorCode = null;
        failUntilCleared = false;
        latencyMs = 0;
        dropRate = 0;
        bulkFailAfterObjects = -1;
        bulkErrorCode = "INTERNAL_SERVER_ERROR";
        failNextRequests = 0;
    }
}
