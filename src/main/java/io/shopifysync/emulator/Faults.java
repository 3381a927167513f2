package io.shopifysync.emulator;

import java.util.Map;

/** Injected faults for one shop's Admin API (all off by default). */
final class Faults {
    /** Probability [0,1] that a GraphQL request answers an HTTP 5xx. */
    volatile double errorRate;
    /** The status of injected errors (500, 502, 503 or 504). */
    volatile int errorStatus = 500;
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
    /** Whether the next N GraphQL requests answer 5xx regardless of errorRate. */
    volatile int failNextRequests;

    Map<String, Object> toMap() {
        return Json.obj("errorRate", errorRate, "errorStatus", errorStatus, "latencyMs", latencyMs, "dropRate", dropRate,
                "bulkFailAfterObjects", bulkFailAfterObjects, "bulkErrorCode", bulkErrorCode, "failNextRequests", failNextRequests);
    }

    void clear() {
        errorRate = 0;
        errorStatus = 500;
        latencyMs = 0;
        dropRate = 0;
        bulkFailAfterObjects = -1;
        bulkErrorCode = "INTERNAL_SERVER_ERROR";
        failNextRequests = 0;
    }
}
