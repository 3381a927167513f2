package io.shopifysync.shopify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The store answered ACCESS_DENIED (HTTP 200, {@code errors[].extensions.code}) for part of a query: protected customer
 * data the app is not approved for, a missing access scope, bulk operations the app may not use. It concerns the
 * query's resource, not the shop: the caller pauses that resource alone (see ShopHealth). The message names the denied
 * fields (schema identifiers from the error paths, never the remote message) and what permission they need.
 */
public class AccessDeniedException extends ShopifyApiException {

    /** Shopify's protected customer fields by the Admin API field names that carry them (level 2, approved one by one). */
    private static final Map<String, String> PROTECTED_FIELDS = Map.ofEntries(
            Map.entry("firstName", "name"), Map.entry("lastName", "name"), Map.entry("displayName", "name"),
            Map.entry("email", "email"), Map.entry("defaultEmailAddress", "email"), Map.entry("emailAddress", "email"),
            Map.entry("phone", "phone"), Map.entry("defaultPhoneNumber", "phone"), Map.entry("phoneNumber", "phone"),
            Map.entry("addresses", "address"), Map.entry("defaultAddress", "address"), Map.entry("shippingAddress", "address"),
            Map.entry("billingAddress", "address"));
    /** Fields that are the Customer object itself (protected customer data, level 1). */
    private static final Set<String> CUSTOMER_OBJECT = Set.of("customers", "customer", "customersCount");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private final Set<String> fields;

    public AccessDeniedException(String message, Set<String> fields) {
        super(Kind.QUERY_REJECTED, 200, message);
        this.fields = Set.copyOf(fields);
    }

    /** The denied fields (last named element of each error's path); empty when Shopify named none (a bulk operation). */
    public Set<String> fields() {
        return fields;
    }

    /** Whether the refused field is the bulk operation mutation itself: the app may not run bulk operations. */
    public boolean bulkOperationsRefused() {
        return fields.contains("bulkOperationRunQuery");
    }

    /** The ACCESS_DENIED errors of an answer as one exception, or null when there are none. */
    public static AccessDeniedException from(JsonNode errors) {
        Set<String> fields = new TreeSet<>();
        boolean denied = false;
        for (JsonNode e : errors) {
            if (!"ACCESS_DENIED".equals(e.path("extensions").path("code").asText())) {
                continue;
            }
            denied = true;
            String field = null;
            for (JsonNode p : e.path("path")) {
                if (p.isTextual() && IDENTIFIER.matcher(p.asText()).matches()) {
                    field = p.asText();
                }
            }
            if (field != null && fields.size() < 10) {
                fields.add(field);
            }
        }
        return denied ? new AccessDeniedException("ACCESS_DENIED: " + permission(fields), fields) : null;
    }

    /** A bulk operation that ended FAILED with errorCode ACCESS_DENIED (Shopify names no field there). */
    public static AccessDeniedException bulkOperationFailed(String resource) {
        return new AccessDeniedException("ACCESS_DENIED: the bulk export of " + resource + " was refused (protected customer "
                + "data not approved, or an access scope missing)", Set.of());
    }

    /** What the denied fields need, as an operator reads it. */
    static String permission(Set<String> fields) {
        if (fields.contains("bulkOperationRunQuery")) {
            return "bulk operations not allowed for this app";
        }
        Set<String> kinds = new LinkedHashSet<>();
        Set<String> other = new TreeSet<>();
        for (String f : fields) {
            if (CUSTOMER_OBJECT.contains(f)) {
                kinds.add("the Customer object (level 1)");
            } else if (PROTECTED_FIELDS.containsKey(f)) {
                kinds.add(PROTECTED_FIELDS.get(f));
            } else {
                other.add(f);
            }
        }
        StringBuilder out = new StringBuilder();
        if (!kinds.isEmpty()) {
            out.append("protected customer data not approved: ").append(String.join(", ", kinds));
        }
        if (!other.isEmpty()) {
            out.append(out.length() == 0 ? "" : "; ").append("access denied to ").append(String.join(", ", other))
                    .append(" (missing access scope or protected customer data approval)");
        }
        return out.length() == 0 ? "access denied (missing access scope or protected customer data approval)" : out.toString();
    }
}
