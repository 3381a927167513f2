package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import io.shopifysync.shopify.QueryCost;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Page sizes come from the cost per root (estimated, then measured by Shopify), not from a coarse list of sizes. */
class PageSizeTest {

    private final Resource orders = Catalog.load().resource("orders");

    private int estimate(int first) {
        return QueryCost.estimate(Pager.rootQuery(orders, Pager.SortKey.UPDATED_AT), Map.of("first", first));
    }

    @Test
    void theFirstOrdersPageFillsEightyPercentOfTheLimitByTheEstimate() {
        int first = Pager.firstPageSize(orders, Pager.SortKey.UPDATED_AT, 1000);
        // before: 10 orders (482 points), the next size down from 20 in a fixed list of sizes
        assertThat(first).isGreaterThan(10);
        assertThat(estimate(first)).isLessThanOrEqualTo(800);
        assertThat(estimate(first + 1)).isGreaterThan(800);
    }

    @Test
    void onceShopifyHasCountedAPageTheNextFillsTheWholeLimit() {
        // Shopify counted 482 points for 10 orders: 48 per order, so 20 orders fit under the 1000-point limit
        int next = Pager.nextPageSize(orders, Pager.SortKey.UPDATED_AT, 10, 482, 1000);
        assertThat(next).isEqualTo(20);
        assertThat(2 + next * 48).isLessThanOrEqualTo(1000);
    }

    @Test
    void aShopifyCountAboveTheEstimateShrinksThePage() {
        // fragments or fields our estimate misses: Shopify counted 960 points for 10 orders
        assertThat(Pager.nextPageSize(orders, Pager.SortKey.UPDATED_AT, 10, 960, 1000)).isEqualTo(10);
    }

    @Test
    void aSmallBucketBoundsThePage() {
        assertThat(Pager.nextPageSize(orders, Pager.SortKey.UPDATED_AT, 10, 482, 500)).isEqualTo(10);
    }

    @Test
    void cheapRootsStopAtShopifysMaximumPageSize() {
        Resource customers = Catalog.load().resource("customers");
        assertThat(Pager.nextPageSize(customers, Pager.SortKey.ID, 250, 752, 2000)).isEqualTo(250);
    }
}
