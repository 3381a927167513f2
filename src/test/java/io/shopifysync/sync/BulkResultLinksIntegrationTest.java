package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.SyncHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk result links as the storage behind Shopify serves them: a download cut off mid-body resumes with a Range
 * request from the committed offset (206, or 200 from a server that ignores Range), a resume at the very end answers
 * 416, and a link that expired (7 days after completion on Shopify) makes the import run the export again.
 */
class BulkResultLinksIntegrationTest {

    /** Enough bytes for several committed batches of 10 rows, far less than the orders result. */
    private static final int CUT_AFTER_BYTES = 12_000;

    @TempDir
    Path dataDir;

    @BothDatabases
    void aDownloadCutOffMidBodyResumesFromTheCommittedOffset(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(41); SyncHarness sync = harness(dialect)) {
            EmulatorControl control = new EmulatorControl(emu);
            EmulatedShop ranged = emu.shops().get(0);
            EmulatedShop ignoring = emu.shops().get(1);
            control.call("PUT", downloads(ranged), "{\"cutAfterBytes\":" + CUT_AFTER_BYTES + "}");
            control.call("PUT", downloads(ignoring), "{\"cutAfterBytes\":" + CUT_AFTER_BYTES + ",\"ignoreRange\":true}");
            sync.register(ranged);
            sync.register(ignoring);

            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(ranged.domain()) && sync.allIncremental(ignoring.domain()));
            for (EmulatedShop shop : List.of(ranged, ignoring)) {
                assertThat(sync.databaseDigest(shop.domain())).as(shop.domain()).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
                assertThat(deadLetters(sync, shop)).as("nothing misaligned was read as a line").isZero();
            }

            JsonNode resume = resumeAfterCut(control, ranged);
            long offset = resume.path("offset").asLong();
            assertThat(offset).as("the resume asks from the committed offset").isPositive().isLessThanOrEqualTo(CUT_AFTER_BYTES);
            assertThat(resume.path("range").asText()).isEqualTo("bytes=" + offset + "-");
            assertThat(resume.path("status").asInt()).isEqualTo(206);
            byte[] file = control.download(urlOf(control, ranged, resume.path("operationId").asText()));
            assertThat(file[(int) offset - 1]).as("the committed offset is a line boundary").isEqualTo((byte) '\n');

            JsonNode whole = resumeAfterCut(control, ignoring);
            assertThat(whole.path("offset").asLong()).isPositive();
            assertThat(whole.path("status").asInt()).as("the server ignored Range: the client skipped to its offset").isEqualTo(200);
        }
    }

    /** A kill after the last batch committed and before the import finished: the resume asks for nothing that exists. */
    @BothDatabases
    void aResumeAtTheEndOfTheFileAnswers416AndTheImportFinishes(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(43); SyncHarness sync = harness(dialect)) {
            EmulatorControl control = new EmulatorControl(emu);
            EmulatedShop shop = emu.shops().get(0);
            sync.register(shop);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            sync.stop();
            JsonNode op = ordersImport(control, shop).get(0);
            long size = op.path("fileSize").asLong();
            // what the kill leaves: every byte committed, bulk_status still COMPLETED, the phase still BACKFILL
            sync.execute("UPDATE shopify.sync_state SET phase = 'BACKFILL', bulk_operation_id = '" + op.path("id").asText()
                    + "', bulk_status = 'COMPLETED', bulk_result_url = '" + op.path("url").asText() + "', bulk_bytes_done = " + size
                    + ", bulk_started_at = CURRENT_TIMESTAMP, next_attempt_at = NULL WHERE shop_domain = '" + shop.domain()
                    + "' AND resource = 'orders'");
            control.call("DELETE", downloads(shop), null);

            sync.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> sync.allIncremental(shop.domain()));
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
            List<String> seen = new ArrayList<>();
            for (JsonNode d : control.call("GET", downloads(shop), null).path("downloads")) {
                if (op.path("id").asText().equals(d.path("operationId").asText())) { // not a reconciliation's id list
                    seen.add(d.path("status").asInt() + "@" + d.path("offset").asText());
                }
            }
            assertThat(seen).containsExactly("416@" + size);
            assertThat(ordersImport(control, shop)).as("finished from the recorded operation, not exported again").hasSize(1);
            assertThat(deadLetters(sync, shop)).isZero();
        }
    }

    @BothDatabases
    void anExpiredResultLinkRunsTheExportAgain(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(47); SyncHarness sync = harness(dialect)) {
            EmulatorControl control = new EmulatorControl(emu);
            EmulatedShop beforeDownload = emu.shops().get(0);
            EmulatedShop midDownload = emu.shops().get(1);
            // the first download drops before its first byte and the link expires (400 ExpiredToken, as Cloud Storage)
            control.call("PUT", downloads(beforeDownload), "{\"cutAfterBytes\":0,\"expireOnCut\":true}");
            // the first download drops after some batches committed, and the resume's Range request finds the link dead (403)
            control.call("PUT", downloads(midDownload), "{\"cutAfterBytes\":" + CUT_AFTER_BYTES + ",\"expireOnCut\":true,\"expiredStatus\":403}");
            sync.register(beforeDownload);
            sync.register(midDownload);

            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(beforeDownload.domain())
                    && sync.allIncremental(midDownload.domain()));
            for (EmulatedShop shop : List.of(beforeDownload, midDownload)) {
                assertThat(sync.databaseDigest(shop.domain())).as(shop.domain()).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
                assertThat(deadLetters(sync, shop)).as("an expired link is not a dead letter").isZero();
            }
            JsonNode dead = resumeAfterCut(control, beforeDownload);
            assertThat(dead.path("status").asInt()).isEqualTo(400);
            assertThat(dead.path("offset").isNull()).as("nothing was committed: a whole-file request").isTrue();
            JsonNode deadResume = resumeAfterCut(control, midDownload);
            assertThat(deadResume.path("status").asInt()).isEqualTo(403);
            assertThat(deadResume.path("offset").asLong()).as("a resume from the committed offset").isPositive();
            for (EmulatedShop shop : List.of(beforeDownload, midDownload)) {
                String expiredOp = resumeAfterCut(control, shop).path("operationId").asText();
                assertThat(bulkStatus(control, shop, expiredOp)).isEqualTo("EXPIRED");
                // the export ran again with the same query: the cut resource has a second, completed operation
                String query = bulkQuery(control, shop, expiredOp);
                long reruns = 0;
                for (JsonNode op : control.call("GET", "/_emulator/shops/" + shop.domain() + "/bulk", null).path("bulkOperations")) {
                    reruns += query.equals(op.path("query").asText()) && "COMPLETED".equals(op.path("status").asText()) ? 1 : 0;
                }
                assertThat(reruns).as(shop.domain() + ": the export ran again").isEqualTo(1);
            }
        }
    }

    private static ShopifyEmulator emulator(long seed) {
        return ShopifyEmulator.builder().port(0).shops(2).seed(seed).orders(60).products(6).customers(15)
                .plan("plus").timeScale(0.01).start();
    }

    private SyncHarness harness(Dialect dialect) throws Exception {
        return new SyncHarness(dialect, dataDir, Map.of("import.batch.size", "10")).start();
    }

    private static String downloads(EmulatedShop shop) {
        return "/_emulator/shops/" + shop.domain() + "/bulk/downloads";
    }

    /** The request after the cut download of the same operation: the client's resume (or its retry). */
    private static JsonNode resumeAfterCut(EmulatorControl control, EmulatedShop shop) {
        String cutOp = null;
        for (JsonNode d : control.call("GET", downloads(shop), null).path("downloads")) {
            if (cutOp == null && d.path("cut").asBoolean()) {
                cutOp = d.path("operationId").asText();
            } else if (cutOp != null && cutOp.equals(d.path("operationId").asText())) {
                return d;
            }
        }
        throw new AssertionError(shop.domain() + ": no request after a cut download: " + control.call("GET", downloads(shop), null));
    }

    private static List<JsonNode> ordersImport(EmulatorControl control, EmulatedShop shop) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode op : control.call("GET", "/_emulator/shops/" + shop.domain() + "/bulk", null).path("bulkOperations")) {
            if (op.path("query").asText().contains("{ orders ") && op.path("query").asText().contains("lineItems")) {
                out.add(op);
            }
        }
        return out;
    }

    private static JsonNode operation(EmulatorControl control, EmulatedShop shop, String id) {
        for (JsonNode op : control.call("GET", "/_emulator/shops/" + shop.domain() + "/bulk", null).path("bulkOperations")) {
            if (id.equals(op.path("id").asText())) {
                return op;
            }
        }
        throw new AssertionError("no bulk operation " + id);
    }

    private static String urlOf(EmulatorControl control, EmulatedShop shop, String id) {
        return operation(control, shop, id).path("url").asText();
    }

    private static String bulkStatus(EmulatorControl control, EmulatedShop shop, String id) {
        return operation(control, shop, id).path("status").asText();
    }

    private static String bulkQuery(EmulatorControl control, EmulatedShop shop, String id) {
        return operation(control, shop, id).path("query").asText();
    }

    private static long deadLetters(SyncHarness sync, EmulatedShop shop) throws Exception {
        return sync.count("SELECT COUNT(*) FROM shopify.dead_letters WHERE shop_domain = '" + shop.domain() + "'");
    }
}
