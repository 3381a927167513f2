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
}
