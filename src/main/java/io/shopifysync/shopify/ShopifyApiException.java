package io.shopifysync.shopify;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.db.DatabaseUnavailableException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A failed call to a store, classified (docs/architecture.md, principle 8) so callers know whether to retry,
 * change the shop's status, or dead-letter. Messages never contain tokens, nor the remote answer's text: a
 * store's URL may point anywhere, so what is stored and shown (status_reason, last_error, dead letters) is a
 * classification ("HTTP 403 from the shop's API", "connection refused", a GraphQL error code), never its body.
 */
public class ShopifyApiException extends RuntimeException {

    /** What kind of failure this is. */
    public enum Kind {
        /** 5xx, timeouts, resets, THROTTLED beyond patience: retry later with backoff. */
        TRANSIENT,
        /** 401/403: the token is invalid or revoked. */
        AUTH_FAILED,
        /** 402 frozen, 404 paused or gone, 423 locked, SHOP_PENDING_TERMINATION: stop syncing; re-checked slowly until it answers. */
        SHOP_UNAVAILABLE,
        /** GraphQL errors in a well-formed answer (a query we built wrong, access denied to a field). */
        QUERY_REJECTED
    }

    private final Kind kind;
    private final int httpStatus;
    /** When the shop answered: an answer older than the shop's current installation says nothing about it. */
    private final java.time.Instant answeredAt = java.time.Instant.now();
    /** The token version of the credentials the failed call used; a newer stored token is not refused by it. */
    private volatile long tokenVersion = ShopCredentials.UNSTORED;

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

    public java.time.Instant answeredAt() {
        return answeredAt;
    }

    /** The stored token version the failed call used: {@link ShopCredentials#UNSTORED} when its credentials were not read from the database. */
    public long tokenVersion() {
        return tokenVersion;
    }

    /** Records which stored token the failed call used (see {@link #tokenVersion()}); returns this. */
    public ShopifyApiException calledWith(long version) {
        this.tokenVersion = version;
        return this;
    }

    public boolean isTransient() {
        return kind == Kind.TRANSIENT;
    }

    /** The shop status a SHOP_UNAVAILABLE failure puts the shop in: 402 FROZEN, 423 and SHOP_PENDING_TERMINATION LOCKED, else PAUSED. */
    public String unavailableStatus() {
        return switch (httpStatus) {
            case 402 -> "FROZEN";
            case 423, 200 -> "LOCKED"; // HTTP 200 here is the GraphQL code SHOP_PENDING_TERMINATION: the shop is under review
            default -> "PAUSED";
        };
    }

    /**
     * The codes Shopify's answers use (GraphQL extensions.code, userErrors code, bulk status and errorCode): only
     * these are stored as they are; any other word could be a message chosen by whatever server the URL points at.
     */
    private static final Set<String> KNOWN_CODES = Set.of("THROTTLED", "ACCESS_DENIED", "SHOP_INACTIVE", "INTERNAL_SERVER_ERROR",
            "SHOP_PENDING_TERMINATION",
            "MAX_COST_EXCEEDED", "BAD_REQUEST", "NOT_FOUND", "TIMEOUT", "INVALID", "OPERATION_IN_PROGRESS", "LIMIT_REACHED",
            "undefinedField", "undefinedType", "argumentNotAccepted", "missingRequiredArguments", "argumentLiteralsIncompatible",
            "variableMismatch", "parseError", "CREATED", "RUNNING", "COMPLETED", "CANCELING", "CANCELED", "FAILED", "EXPIRED",
            "invalid_grant", "invalid_client", "invalid_request", "unauthorized_client", "unsupported_grant_type");
    private static final int MAX_STORED = 500;

    /** A code from a remote answer as it may be stored and shown: one Shopify uses, else "unrecognised code". */
    public static String safeCode(String s) {
        return s != null && KNOWN_CODES.contains(s) ? s : "unrecognised code";
    }

    /** The codes of GraphQL errors or userErrors (extensions.code or code), never their messages. */
    public static String codesOf(JsonNode errors) {
        Set<String> codes = new LinkedHashSet<>();
        int withoutCode = 0;
        for (JsonNode e : errors) {
            String code = e.path("extensions").path("code").asText(e.path("code").asText(null));
            if (code == null) {
                withoutCode++;
            } else if (codes.size() < 5) {
                codes.add(safeCode(code));
            }
        }
        String out = String.join(", ", codes);
        if (withoutCode > 0) {
            out += (out.isEmpty() ? "" : "; ") + withoutCode + (withoutCode == 1 ? " error" : " errors") + " without a code";
        }
        return out.isEmpty() ? "no error detail" : out;
    }

    /** Why no HTTP answer came, from the cause chain: "connection refused", "TLS error", "timeout" … */
    public static String transportFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (t instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return "TLS error";
            }
            if (t instanceof java.net.SocketTimeoutException || t instanceof java.net.http.HttpTimeoutException
                    || t instanceof java.util.concurrent.TimeoutException || name.contains("Timeout")) {
                return "timeout";
            }
            if (t instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof java.net.SocketException || t instanceof java.io.EOFException || name.contains("NoHttpResponse")
                    || name.contains("ConnectionClosed") || name.contains("MalformedChunk") || name.contains("ProtocolException")) {
                return "connection closed without an HTTP answer";
            }
        }
        return "connection failed (" + e.getClass().getSimpleName() + ")";
    }

    /**
     * The text to store and show for a failure: a ShopifyApiException's (classified) message, our own errors'
     * messages (database, state), and for anything else only its type (its message may quote the remote answer).
     */
    public static String describe(Throwable e) {
        if (e == null) {
            return "unknown failure";
        }
        String text = e instanceof ShopifyApiException || e instanceof DatabaseUnavailableException || e instanceof IllegalStateException
                ? String.valueOf(e.getMessage()) : "unexpected " + e.getClass().getSimpleName() + " (details in the log)";
        return text.length() <= MAX_STORED ? text : text.substring(0, MAX_STORED - 1) + "…";
    }
}
