package io.shopifysync.db;

/** The two databases we run on; the few statements that differ are chosen by this. */
public enum Dialect {
    H2("JSON", "? FORMAT JSON"),
    POSTGRESQL("JSONB", "CAST(? AS JSONB)");

    private final String jsonType;
    private final String jsonParameter;

    Dialect(String jsonType, String jsonParameter) {
        this.jsonType = jsonType;
        this.jsonParameter = jsonParameter;
    }

    public static Dialect fromJdbcUrl(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported database URL (use jdbc:postgresql: or jdbc:h2:): "
                + Database.redact(url));
    }

    /** Column type of the {@code data} columns. */
    public String jsonType() {
        return jsonType;
    }

    /** How a JSON text parameter is written into a JSON column. */
    public String jsonParameter() {
        return jsonParameter;
    }
}
