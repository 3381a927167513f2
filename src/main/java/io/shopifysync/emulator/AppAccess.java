package io.shopifysync.emulator;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the app may read on one shop beyond its access scopes: Shopify's protected customer data approval (level 0:
 * none, level 1: the Customer object without name, email, phone and address, level 2: those fields too, each approved
 * on its own) and whether the app may run bulk operations. Default: everything approved (a custom app).
 */
final class AppAccess {

    /** The protected customer fields Shopify approves one by one (level 2). */
    enum Field {
        NAME, EMAIL, PHONE, ADDRESS;

        String handle() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Shopify's answer for protected customer data the app is not approved for (GraphQL Admin API). */
    static final String DENIED_MESSAGE = "This app is not approved to access the Customer object. "
            + "See https://shopify.dev/docs/apps/launch/protected-customer-data for more details.";

    /** Protected fields by "Type.field". */
    private static final Map<String, Field> PROTECTED_FIELDS = Map.ofEntries(
            Map.entry("Customer.firstName", Field.NAME), Map.entry("Customer.lastName", Field.NAME),
            Map.entry("Customer.displayName", Field.NAME),
            Map.entry("Customer.email", Field.EMAIL), Map.entry("Customer.defaultEmailAddress", Field.EMAIL),
            Map.entry("Customer.phone", Field.PHONE), Map.entry("Customer.defaultPhoneNumber", Field.PHONE),
            Map.entry("Customer.defaultAddress", Field.ADDRESS), Map.entry("Customer.addresses", Field.ADDRESS),
            Map.entry("Order.email", Field.EMAIL), Map.entry("Order.phone", Field.PHONE));
    /** Types that are protected customer data as a whole (level 1 and up). */
    private static final Set<String> PROTECTED_TYPES = Set.of("Customer", "CustomerConnection");

    private volatile int level = 2;
    private volatile Set<Field> fields = EnumSet.allOf(Field.class);
    volatile boolean bulkOperationsAllowed = true;

    synchronized void protectedCustomerData(int level, Set<Field> approved) {
        if (level < 0 || level > 2) {
            throw new IllegalArgumentException("level must be 0, 1 or 2, got " + level);
        }
        if (level < 2 && !approved.isEmpty()) {
            throw new IllegalArgumentException("protected customer fields are approved at level 2 only");
        }
        this.fields = approved.isEmpty() ? EnumSet.noneOf(Field.class) : EnumSet.copyOf(approved);
        this.level = level;
    }

    /** Whether reading {@code field} of {@code parentType} (returning {@code returnType}) is refused with ACCESS_DENIED. */
    boolean denies(String parentType, String field, String returnType) {
        int l = level;
        if (l == 0 && (PROTECTED_TYPES.contains(returnType) || "Customer".equals(parentType)
                || "QueryRoot".equals(parentType) && "customersCount".equals(field))) {
            return true;
        }
        Field f = PROTECTED_FIELDS.get(parentType + "." + field);
        return f != null && (l < 2 || !fields.contains(f));
    }

    /** Whether a node of this type may be returned by node/nodes. */
    boolean deniesNode(String type) {
        return level == 0 && "Customer".equals(type);
    }

    Map<String, Object> protectedCustomerDataMap() {
        List<String> approved = fields.stream().map(Field::handle).toList();
        return Json.obj("level", level, "fields", approved);
    }

    Map<String, Object> bulkMap() {
        return Json.obj("bulkOperationsAllowed", bulkOperationsAllowed);
    }
}
