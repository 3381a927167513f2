package io.shopifysync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.db.Dialect;
import io.shopifysync.status.StatusSeed;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.SyncHarness;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** {@code shopify-sync status} prints the status page's report as a table. */
class StatusCommandTest {

    @TempDir
    Path dataDir;

    @BothDatabases
    void printsEveryShopAndResourceLikeTheStatusPage(Dialect dialect) throws Exception {
        try (SyncHarness h = new SyncHarness(dialect, dataDir, Map.of())) {
            StatusSeed.seed(h);
            StringWriter text = new StringWriter();
            new StatusCommand().print(h.db(), new PrintWriter(text));
            String[] lines = text.toString().split("\n");

            assertThat(lines[0]).matches("SHOP +STATUS +RESOURCE +PHASE +ROWS +WRITTEN +LAG +LAST SUCCESS +LAST ERROR");
            assertThat(lines[1]).matches("a-shop.myshopify.com +INSTALLED +orders +INCREMENTAL +2 +7 +\\d+[smh]\\S* +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +-");
            assertThat(lines[2]).matches("a-shop.myshopify.com +INSTALLED +products +BACKFILL +0 +12/40 +- +- +HTTP 503 from the store");
            assertThat(lines[3]).matches("b-shop.myshopify.com +AUTH_FAILED \\(401 from the store\\) +- +not started +- +- +- +- +-");
            assertThat(lines[4]).isEqualTo("a-shop.myshopify.com access scopes: not read yet");
            assertThat(lines[5]).isEqualTo("b-shop.myshopify.com access scopes: not read yet");
            assertThat(lines).hasSize(6);
            assertThat(text.toString()).doesNotContain("shpat_");
        }
    }

    @BothDatabases
    void aShopShopifyStoppedServingShowsSinceWhenAndTheNextCheckAndTheApiVersionServed(Dialect dialect) throws Exception {
        try (SyncHarness h = new SyncHarness(dialect, dataDir, Map.of())) {
            StatusSeed.seed(h);
            h.execute("UPDATE shopify.shops SET status = 'FROZEN', status_reason = 'shop frozen (payment due): HTTP 402 from the shop''s API', "
                    + "status_since = TIMESTAMP WITH TIME ZONE '2026-12-06 00:21:03+00', next_check_at = TIMESTAMP WITH TIME ZONE '2026-12-06 00:26:03+00', "
                    + "api_version_requested = '2026-01', api_version_served = '2026-07' WHERE shop_domain = 'b-shop.myshopify.com'");
            h.execute("UPDATE shopify.shops SET api_version_requested = '2026-10', api_version_served = '2026-10', "
                    + "status_since = TIMESTAMP WITH TIME ZONE '2026-12-06 00:20:00+00' WHERE shop_domain = 'a-shop.myshopify.com'");
            StringWriter text = new StringWriter();
            new StatusCommand().print(h.db(), new PrintWriter(text));
            String[] lines = text.toString().split("\n");

            assertThat(lines[3]).contains("b-shop.myshopify.com", "FROZEN (shop frozen (payment due): HTTP 402 from the shop's API) "
                    + "[since 2026-12-06T00:21:03Z; next check 2026-12-06T00:26:03Z; API 2026-07 served for 2026-01]");
            // an INSTALLED shop served the version it asked for has nothing to add
            assertThat(lines[1]).doesNotContain("[", "since", "API ");
        }
    }
}
