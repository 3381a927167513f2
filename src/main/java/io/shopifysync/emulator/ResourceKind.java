package io.shopifysync.emulator;

import io.shopifysync.emulator.SearchQuery.FieldType;
import java.util.Locale;
import java.util.Map;

/** The top-level resources the emulator stores. */
enum ResourceKind {
    ORDER("orders", "Order", "ORDER", Map.ofEntries(
            Map.entry("id", FieldType.NUMBER), Map.entry("created_at", FieldType.TIME), Map.entry("updated_at", FieldType.TIME),
            Map.entry("processed_at", FieldType.TIME), Map.entry("name", FieldType.TEXT), Map.entry("email", FieldType.TEXT),
            Map.entry("financial_status", FieldType.TEXT), Map.entry("fulfillment_status", FieldType.TEXT),
            Map.entry("status", FieldType.TEXT), Map.entry("tag", FieldType.LIST), Map.entry("customer_id", FieldType.NUMBER),
            Map.entry("test", FieldType.BOOL))),
    PRODUCT("products", "Product", "PRODUCT", Map.ofEntries(
            Map.entry("id", FieldType.NUMBER), Map.entry("created_at", FieldType.TIME), Map.entry("updated_at", FieldType.TIME),
            Map.entry("title", FieldType.TEXT), Map.entry("handle", FieldType.TEXT), Map.entry("status", FieldType.TEXT),
            Map.entry("vendor", FieldType.TEXT), Map.entry("product_type", FieldType.TEXT), Map.entry("tag", FieldType.LIST))),
    CUSTOMER("customers", "Customer", "CUSTOMER", Map.ofEntries(
            Map.entry("id", FieldType.NUMBER), Map.entry("created_at", FieldType.TIME), Map.entry("updated_at", FieldType.TIME),
            Map.entry("email", FieldType.TEXT), Map.entry("phone", FieldType.TEXT), Map.entry("first_name", FieldType.TEXT),
            Map.entry("last_name", FieldType.TEXT), Map.entry("state", FieldType.TEXT), Map.entry("tag", FieldType.LIST)));

    /** Plural path name used by the control API and the digest (orders, products, customers). */
    final String plural;
    /** GraphQL type name and gid segment. */
    final String typeName;
    /** EventSubjectType value. */
    final String subjectType;
    final Map<String, FieldType> searchFields;

    ResourceKind(String plural, String typeName, String subjectType, Map<String, FieldType> searchFields) {
        this.plural = plural;
        this.typeName = typeName;
        this.subjectType = subjectType;
        this.searchFields = searchFields;
    }

    String gid(long id) {
        return "gid://shopify/" + typeName + "/" + id;
    }

    /** Webhook topic for an action: create, update, delete (orders use "updated"). */
    String topic(String action) {
        String a = action.equals("update") && this == ORDER ? "updated" : action;
        return plural + "/" + a;
    }

    static ResourceKind fromPlural(String s) {
        for (ResourceKind k : values()) {
            if (k.plural.equals(s.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        return null;
    }
}
