package io.shopifysync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.catalog.Child;
import io.shopifysync.catalog.Gid;
import io.shopifysync.catalog.Resource;
import io.shopifysync.catalog.Row;
import io.shopifysync.catalog.RowMapper;
import io.shopifysync.shopify.GraphqlRequest;
import io.shopifysync.shopify.QueryCost;
import io.shopifysync.shopify.ShopifyApiException;
import io.shopifysync.shopify.ShopifyGraphql;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a resource page by page with cursor paging (paged import and polling): each page of roots
 * with the first page of their nested connections, then the rest of any nested connection that has
 * more (the order with 300 line items, the product with 2048 variants). The page size is chosen so a
 * query stays under Shopify's 1000-point limit and the shop's bucket.
 */
public final class Pager {

    /** How roots are ordered: ID for an import, UPDATED_AT for polling. */
    public enum SortKey { ID, UPDATED_AT }

    /** One page: its rows, how many roots, where to continue and the newest updatedAt seen. */
    public record Page(List<Row> rows, List<Long> rootIds, String endCursor, boolean hasNextPage, OffsetDateTime maxUpdatedAt) {
        public int roots() {
            return rootIds.size();
        }
    }

    static final int MAX_QUERY_COST = 1000;
    static final int MAX_PAGE_SIZE = 250;
    private static final int[] PAGE_SIZES = {250, 200, 150, 100, 75, 50, 40, 30, 20, 10, 5, 2, 1};
    private static final int NESTED_FIRST = 10;

    private final ShopifyGraphql graphql;

    public Pager(ShopifyGraphql graphql) {
        this.graphql = graphql;
    }

    public Page page(ShopCredentials shop, Resource r, SortKey sortKey, String filter, String after, int maxCost) {
        String query = rootQuery(r, sortKey);
        // our estimate can be below Shopify's count: aim at 80% of the limit, and halve the page if it is exceeded
        int first = pageSize(query, (int) (Math.min(MAX_QUERY_COST, maxCost) * 0.8));
        JsonNode conn;
        while (true) {
            Map<String, Object> vars = new HashMap<>();
            vars.put("first", first);
            vars.put("after", after);
            vars.put("query", filter);
            try {
                conn = graphql.execute(shop, query, vars).path(r.connection());
                break;
            } catch (ShopifyApiException e) {
                if (first == 1 || e.kind() != ShopifyApiException.Kind.QUERY_REJECTED || !isCostExceeded(e)) {
                    throw e;
                }
                first = Math.max(1, first / 2);
            }
        }
        List<JsonNode> nodes = new ArrayList<>();
        conn.path("edges").forEach(edge -> nodes.add(edge.path("node")));
        JsonNode info = conn.path("pageInfo");
        return rows(shop, r, nodes, info.path("endCursor").isNull() ? null : info.path("endCursor").asText(null),
                info.path("hasNextPage").asBoolean(false));
    }

    /** The call for one page of roots: {@code first} roots after {@code after} (null: from the start), filtered by the search. */
    public static GraphqlRequest request(Resource r, SortKey sortKey, String filter, String after, int first) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("first", first);
        vars.put("after", after);
        vars.put("query", filter);
        return new GraphqlRequest(rootQuery(r, sortKey), vars);
    }

    /** A page call's answer ({@code data}) as rows; nested connections with more are read to their end here. */
    public Page read(ShopCredentials shop, Resource r, JsonNode data) {
        JsonNode conn = data.path(r.connection());
        List<JsonNode> nodes = new ArrayList<>();
        conn.path("edges").forEach(edge -> nodes.add(edge.path("node")));
        JsonNode info = conn.path("pageInfo");
        return rows(shop, r, nodes, info.path("endCursor").isNull() ? null : info.path("endCursor").asText(null),
                info.path("hasNextPage").asBoolean(false));
    }

    /**
     * The first page's size, before Shopify has counted any: the largest page whose estimated cost stays under 80% of
     * {@code maxCost} (at most Shopify's 1000-point limit); the estimate can be below Shopify's count.
     */
    public static int firstPageSize(Resource r, SortKey sortKey, int maxCost) {
        return sizeFor(rootQuery(r, sortKey), (int) (Math.min(MAX_QUERY_COST, maxCost) * 0.8), -1, 0);
    }

    /**
     * The next page's size from the cost Shopify reported for the last one ({@code requestedQueryCost} of a page of
     * {@code first}): the largest page whose cost, at that measured cost per root, fits Shopify's 1000-point limit and
     * the shop's bucket. No safety margin is needed once Shopify has counted; without a report, the estimate decides.
     */
    public static int nextPageSize(Resource r, SortKey sortKey, int first, int requestedCost, int maxCost) {
        return sizeFor(rootQuery(r, sortKey), Math.min(MAX_QUERY_COST, maxCost), first, requestedCost);
    }

    /** A page's cost is linear in its size: fixed + size × per root; per root is measured when Shopify reported one. */
    private static int sizeFor(String query, int limit, int measuredFirst, int measuredCost) {
        int fixed = QueryCost.estimate(query, Map.of("first", 0));
        double perRoot = measuredFirst > 0 && measuredCost > 0
                ? Math.max(1, (measuredCost - fixed) / (double) measuredFirst)
                : Math.max(1, QueryCost.estimate(query, Map.of("first", 1)) - fixed);
        return (int) Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor((limit - fixed) / perRoot)));
    }

    /** Whether Shopify refused a page as too costly (the page is then read again at half the size). */
    public static boolean costExceeded(Throwable e) {
        return e instanceof ShopifyApiException api && api.kind() == ShopifyApiException.Kind.QUERY_REJECTED && isCostExceeded(api);
    }

    /** The call that reads the current state of some root objects by gid (webhook processing): {@code nodes(ids:)}. */
    public static GraphqlRequest nodesRequest(Resource r, List<String> gids) {
        return new GraphqlRequest("query Nodes($ids: [ID!]!) { nodes(ids: $ids) { ... on " + r.type() + " { "
                + nodeSelection(r) + " } } }", Map.of("ids", gids));
    }

    /** The answer of {@link #nodesRequest} as rows; a gid Shopify no longer has is absent. */
    public Page nodes(ShopCredentials shop, Resource r, JsonNode data) {
        List<JsonNode> nodes = new ArrayList<>();
        data.path("nodes").forEach(n -> {
            if (n != null && !n.isNull() && n.hasNonNull("id")) {
                nodes.add(n);
            }
        });
        return rows(shop, r, nodes, null, false);
    }

    private Page rows(ShopCredentials shop, Resource r, List<JsonNode> nodes, String endCursor, boolean hasNext) {
        List<Row> rows = new ArrayList<>();
        OffsetDateTime maxUpdated = null;
        List<Long> roots = new ArrayList<>();
        for (JsonNode node : nodes) {
            long id = Gid.numericId(node.path("id").asText());
            roots.add(id);
            if (r.storesRoots()) {
                Row root = RowMapper.root(r, node);
                rows.add(root);
                maxUpdated = maxUpdated == null || root.updatedAt().isAfter(maxUpdated) ? root.updatedAt() : maxUpdated;
            } else if (node.hasNonNull("updatedAt")) {
                OffsetDateTime u = OffsetDateTime.parse(node.get("updatedAt").asText());
                maxUpdated = maxUpdated == null || u.isAfter(maxUpdated) ? u : maxUpdated;
            }
            for (Child c : r.children()) {
                if (c.isConnection()) {
                    rows.addAll(nested(shop, c, id, node));
                } else {
                    rows.addAll(RowMapper.listChildren(c, id, node));
                }
            }
        }
        return new Page(rows, roots, endCursor, hasNext, maxUpdated);
    }

    /** The rows of a nested connection: the first page came with the root, the rest is fetched by node(id:). */
    private List<Row> nested(ShopCredentials shop, Child c, long parentId, JsonNode rootNode) {
        List<Row> rows = new ArrayList<>();
        JsonNode conn = rootNode.path(c.connection());
        String parentGid = rootNode.path("id").asText();
        String query = null;
        while (true) {
            for (JsonNode edge : conn.path("edges")) {
                rows.add(RowMapper.child(c, parentId, edge.path("node")));
            }
            JsonNode info = conn.path("pageInfo");
            if (!info.path("hasNextPage").asBoolean(false)) {
                return rows;
            }
            if (query == null) {
                query = "query More($id: ID!, $first: Int!, $after: String) { node(id: $id) { ... on " + Gid.type(parentGid)
                        + " { " + c.connection() + "(first: $first, after: $after) { edges { node { " + c.fields()
                        + " } } pageInfo { hasNextPage endCursor } } } } }";
            }
            Map<String, Object> vars = new HashMap<>();
            vars.put("id", parentGid);
            vars.put("first", pageSize(query, (int) (MAX_QUERY_COST * 0.8)));
            vars.put("after", info.path("endCursor").asText());
            conn = graphql.execute(shop, query, vars).path("node").path(c.connection());
        }
    }

    private static boolean isCostExceeded(ShopifyApiException e) {
        String m = e.getMessage();
        return m != null && (m.contains("MAX_COST_EXCEEDED") || m.contains("max cost limit"));
    }

    /** A root node's fields with the first page of each nested connection and every inline list. */
    public static String nodeSelection(Resource r) {
        StringBuilder node = new StringBuilder(r.fields());
        for (Child c : r.children()) {
            node.append(' ').append(c.field()).append(' ');
            node.append(c.isConnection()
                    ? "(first: " + NESTED_FIRST + ") { edges { node { " + c.fields() + " } } pageInfo { hasNextPage endCursor } }"
                    : "{ " + c.fields() + " }");
        }
        return node.toString();
    }

    static String rootQuery(Resource r, SortKey sortKey) {
        return "query Page($first: Int!, $after: String, $query: String) { " + r.connection()
                + "(first: $first, after: $after, sortKey: " + sortKey + ", query: $query) { edges { node { " + nodeSelection(r)
                + " } } pageInfo { hasNextPage endCursor } } }";
    }

    /** The largest page whose estimated cost fits under {@code limit}. */
    static int pageSize(String query, int limit) {
        for (int size : PAGE_SIZES) {
            if (QueryCost.estimate(query, Map.of("first", size)) <= limit) {
                return size;
            }
        }
        return 1;
    }
}
