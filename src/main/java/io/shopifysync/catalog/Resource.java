package io.shopifysync.catalog;

import java.util.List;
import java.util.Optional;

/** One catalog entry: where a resource is read from and where its rows go. */
public record Resource(String name, String type, String connection, String count, String fields, String table,
                       List<Column> columns, List<Child> children, List<String> upsertTopics,
                       List<String> deleteTopics, String deletions, String eventSubject, String scope,
                       HistoryLimit historyLimit) {

    /**
     * Shopify shows only the objects created in the last {@code days} unless the app holds {@code scope} (orders:
     * read_all_orders, 60 days); {@code createdColumn} is the table's creation-time column that tells them apart.
     */
    public record HistoryLimit(String scope, int days, String createdColumn) {
    }

    /** Whether root nodes are stored (false when they only carry this entry's children). */
    public boolean storesRoots() {
        return table != null;
    }

    /** The id-only bulk query of a reconciliation: which objects exist in the store right now. */
    public String idsQuery() {
        return "{ " + connection + " { edges { node { id } } } }";
    }

    public Optional<Child> childOfType(String graphqlType) {
        return children.stream().filter(c -> c.type().equals(graphqlType)).findFirst();
    }

    /** The GraphQL selection of the root node with every child, for a bulk operation (no paging arguments). */
    public String bulkSelection() {
        StringBuilder sb = new StringBuilder(fields);
        for (Child c : children) {
            sb.append(' ').append(c.field()).append(' ');
            sb.append(c.isConnection() ? "{ edges { node { " + c.fields() + " } } }" : "{ " + c.fields() + " }");
        }
        return sb.toString();
    }

    /** The bulk query that reads the resource, or the part a search filter selects (e.g. {@code id:>=123}). */
    public String bulkQuery(String filter) {
        String args = filter == null ? "" : "(query: " + quote(filter) + ")";
        return "{ " + connection + args + " { edges { node { " + bulkSelection() + " } } } }";
    }

    /** Counts what {@link #bulkQuery} reads; {@code limit: null} lifts Shopify's default cap (10,000, precision AT_LEAST). */
    public String countQuery(String filter) {
        String args = filter == null ? "(limit: null)" : "(query: " + quote(filter) + ", limit: null)";
        return "{ " + count + args + " { count precision } }";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
