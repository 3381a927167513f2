package io.shopifysync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import io.shopifysync.shopify.GraphqlRequest;
import io.shopifysync.shopify.ShopifyGraphql;
import io.shopifysync.shopify.Throttles;
import org.apache.camel.Exchange;

/**
 * The leaf steps of the import and poll routes' page loops (bean {@code pages}): build a page's request, parse its
 * answer, size the next page from the cost Shopify counted, and write a page's rows on the route's transaction.
 * Where the loop goes, when it stops and what commits together is the routes' (routes/import.yaml, routes/poll.yaml).
 */
public class PageReads {

    /** Exchange properties of the page loop. */
    public static final String SORT = "pageSort";
    public static final String FILTER = "pageFilter";
    /** Where the next page starts (null: the first page); after a page, the cursor after it. */
    public static final String CURSOR = "pageCursor";
    public static final String FIRST = "pageFirst";
    public static final String HAS_NEXT = "hasNextPage";
    public static final String PAGES_READ = "pagesRead";
    /** How many roots the loop has read so far (all its pages). */
    public static final String ROOTS_READ = "pageRootsRead";
    public static final String PAGE_READ = "pageRead";
    public static final String ROOTS = "pageRoots";
    public static final String MAX_UPDATED_AT = "pageMaxUpdatedAt";
    public static final String WRITTEN_AT = "pageWrittenAt";
    /**
     * Shopify's {@code extensions.cost.requestedQueryCost} of the answer, which the {@code shopify-graphql} route sets:
     * the next page is sized from it.
     */
    public static final String REQUESTED_COST = ShopifyGraphql.REQUESTED_COST;

    private final Catalog catalog;
    private final Accounts accounts;
    private final SyncStateStore state;
    private final Pager pager;
    private final Throttles throttles;

    public PageReads(Catalog catalog, Accounts accounts, SyncStateStore state, Pager pager, Throttles throttles) {
        this.catalog = catalog;
        this.accounts = accounts;
        this.state = state;
        this.pager = pager;
        this.throttles = throttles;
    }

    /** A paged import starts (or goes on) from the stored cursor, in id order, within the stored filter. */
    public void startImport(Exchange exchange) {
        String shop = exchange.getProperty("shop", String.class);
        String resource = exchange.getProperty("resource", String.class);
        SyncState s = state.load(shop, resource).orElseThrow();
        if (s.bulkStartedAt() == null) {
            state.switchToPaged(shop, resource, state.now()); // the first paged tick: the mark is taken from now
            s = state.load(shop, resource).orElseThrow();
        }
        start(exchange, Pager.SortKey.ID, s.bulkFilter(), s.pageCursor());
    }

    /** Sets the loop's properties: what to read, from where, and the first page's size. */
    void start(Exchange exchange, Pager.SortKey sort, String filter, String cursor) {
        Resource r = catalog.resource(exchange.getProperty("resource", String.class));
        exchange.setProperty(SORT, sort);
        exchange.setProperty(FILTER, filter);
        exchange.setProperty(CURSOR, cursor);
        exchange.setProperty(FIRST, Pager.firstPageSize(r, sort, maxCost(exchange)));
        exchange.setProperty(HAS_NEXT, true);
        exchange.setProperty(PAGES_READ, 0);
        exchange.setProperty(ROOTS_READ, 0L);
    }

    /** The next page's call, from the loop's properties: body = the {@link GraphqlRequest} direct:shopify-graphql takes. */
    public GraphqlRequest request(Exchange exchange) {
        exchange.removeProperty(REQUESTED_COST);
        return Pager.request(resource(exchange), exchange.getProperty(SORT, Pager.SortKey.class),
                exchange.getProperty(FILTER, String.class), exchange.getProperty(CURSOR, String.class),
                exchange.getProperty(FIRST, Integer.class));
    }

    /**
     * The answer as rows (body = {@link Pager.Page}): sets where the next page starts, whether there is one, and
     * the next page's size from the cost Shopify counted for this one.
     */
    public Pager.Page read(Exchange exchange) {
        Resource r = resource(exchange);
        Pager.Page page = pager.read(credentials(exchange), r, exchange.getMessage().getBody(JsonNode.class));
        if (page.endCursor() != null) {
            exchange.setProperty(CURSOR, page.endCursor());
        }
        exchange.setProperty(HAS_NEXT, page.hasNextPage());
        exchange.setProperty(ROOTS, (long) page.roots());
        exchange.setProperty(MAX_UPDATED_AT, page.maxUpdatedAt());
        exchange.setProperty(PAGES_READ, exchange.getProperty(PAGES_READ, 0, Integer.class) + 1);
        exchange.setProperty(ROOTS_READ, exchange.getProperty(ROOTS_READ, 0L, Long.class) + page.roots());
        exchange.setProperty(PAGE_READ, true);
        Integer requested = exchange.getProperty(REQUESTED_COST, Integer.class);
        if (requested != null && requested > 0) {
            exchange.setProperty(FIRST, Pager.nextPageSize(r, exchange.getProperty(SORT, Pager.SortKey.class),
                    exchange.getProperty(FIRST, Integer.class), requested, maxCost(exchange)));
        }
        return page;
    }

    /** The read-page route's onWhen: Shopify refused the page as too costly and a smaller one is possible. */
    public boolean retryAtHalfSize(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return Pager.costExceeded(e) && exchange.getProperty(FIRST, 1, Integer.class) > 1;
    }

    public void halvePage(Exchange exchange) {
        exchange.setProperty(FIRST, Math.max(1, exchange.getProperty(FIRST, Integer.class) / 2));
    }

    private int maxCost(Exchange exchange) {
        return (int) throttles.of(exchange.getProperty("shop", String.class)).maximum();
    }

    private Resource resource(Exchange exchange) {
        return catalog.resource(exchange.getProperty("resource", String.class));
    }

    private ShopCredentials credentials(Exchange exchange) {
        String shop = exchange.getProperty("shop", String.class);
        return accounts.credentials(shop).orElseThrow(() -> new IllegalStateException("shop " + shop + " is not registered"));
    }
}
