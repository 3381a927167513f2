package io.shopifysync.shopify;

import java.util.Map;

/**
 * The body {@code direct:shopify-graphql} takes: one GraphQL query or mutation and its variables (null or empty: none).
 * The shop it goes to is the exchange property {@code shop} (its domain).
 */
public record GraphqlRequest(String query, Map<String, Object> variables) {

    public GraphqlRequest {
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("a GraphQL request needs a query");
        }
        variables = variables == null ? Map.of() : variables;
    }

    public static GraphqlRequest of(String query) {
        return new GraphqlRequest(query, Map.of());
    }
}
