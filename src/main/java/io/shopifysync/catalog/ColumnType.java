package io.shopifysync.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Locale;

/** How a value read from a GraphQL node is stored in a typed column. */
public enum ColumnType {
    TEXT("VARCHAR"),
    /** A {@code gid://shopify/Type/123} reference stored as the number. */
    GID("BIGINT"),
    BIGINT("BIGINT"),
    INT("INTEGER"),
    DECIMAL("NUMERIC(20, 4)"),
    TIMESTAMP("TIMESTAMP WITH TIME ZONE");

    private final String sqlType;

    ColumnType(String sqlType) {
        this.sqlType = sqlType;
    }

    public String sqlType() {
        return sqlType;
    }

    public static ColumnType parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CatalogException("unknown column type '" + s + "' (text, gid, bigint, int, decimal, timestamp)");
        }
    }

    /** The JDBC value of a JSON value; null stays null. */
    public Object convert(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        return switch (this) {
            case TEXT -> v.isTextual() ? v.asText() : v.toString();
            case GID -> Gid.numericId(v.asText());
            case BIGINT -> v.isNumber() ? v.asLong() : Long.parseLong(v.asText());
            case INT -> v.isNumber() ? v.asInt() : Integer.parseInt(v.asText());
            case DECIMAL -> new BigDecimal(v.asText());
            case TIMESTAMP -> OffsetDateTime.parse(v.asText());
        };
    }
}
