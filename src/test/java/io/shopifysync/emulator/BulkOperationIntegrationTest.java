package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bulk operations: lifecycle, JSONL shape and __parentId linking, limits, cancel, failure with partial data, finish webhook. */
class BulkOperationIntegrationTest {

    @RegisterExtension
    static EmulatorExtension emu = EmulatorExtension.builder()
            .port(0).shops(1).seed(31)
            .orders(40).products(10).customers(20)
            .plan("plus").timeScale(0.001)
            .build();

    static GraphqlClient client;

    @BeforeAll
    static void client() {
        client = GraphqlClient.forFirstShop(emu);
    }

    @AfterEach
    void clearFaults() {
        client.clearFaults();
    }

    static final String OP_FIELDS = "id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl query type";

    static String run(GraphqlClient c, String bulkQuery) {
        JsonNode r = c.data("mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status createdAt } "
                + "userErrors { field message code } } }", Map.of("q", bulkQuery)).path("bulkOperationRunQuery");
        assertThat(r.path("userErrors")).as(r.toString()).isEmpty();
        JsonNode op = r.path("bulkOperation");
        assertThat(op.path("id").asText()).matches("gid://shopify/BulkOperation/\\d+");
        assertThat(op.path("status").asText()).isIn("CREATED", "RUNNING");
        return op.path("id").asText();
    }

    static JsonNode op(GraphqlClient c, String id) {
        return c.data("query($id: ID!) { bulkOperation(id: $id) { " + OP_FIELDS + " } }", Map.of("id", id)).path("bulkOperation");
    }

    static JsonNode awaitFinished(GraphqlClient c, String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(25)).until(() -> {
            last[0] = op(c, id);
            return !Set.of("CREATED", "RUNNING", "CANCELING").contains(last[0].path("status").asText());
        });
        return last[0];
    }

    /** The fixtures poll with node(id:) (as Airbyte does): {"node": {...}} for a BulkOperation gid, never null. */
    static JsonNode bulkNode(GraphqlClient c, String id) {
        JsonNode d = c.data("query($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount fileSize url partialDataUrl } } }",
                Map.of("id", id));
        assertThat(d.path("node").isObject()).as("node(id: \"" + id + "\") resolves the bulk operation: " + d).isTrue();
        assertThat(d.path("node").path("id").asText()).isEqualTo(id);
        return d;
    }

    record Jsonl(List<JsonNode> rows, long bytes) {}

    static Jsonl download(GraphqlClient c, String url) throws IOException {
        GraphqlClient.Resp r = c.get(url);
        assertThat(r.status()).as("GET " + url).isEqualTo(200);
        List<JsonNode> rows = new ArrayList<>();
        String text = new String(r.bytes(), StandardCharsets.UTF_8);
        if (!text.isEmpty()) assertThat(text).as("JSONL ends with a newline").endsWith("\n");
        try (BufferedReader br = new BufferedReader(new StringReader(text))) {
            String line;
            while ((line = br.readLine()) != null) {
                assertThat(line).as("no blank lines").isNotBlank();
                JsonNode n = GraphqlClient.JSON.readTree(line);
                assertThat(n.isObject()).as(line).isTrue();
                rows.add(n);
            }
        }
        return new Jsonl(rows, r.bytes().length);
    }

    /** Checks __parentId linking: every child's parent is a row in the file; returns children per parent. */
    static Map<String, Integer> assertLinked(List<JsonNode> rows, String rootType, String childType) {
        Set<String> roots = new HashSet<>();
        Set<String> allIds = new HashSet<>();
        for (JsonNode n : rows) {
            String id = n.path("id").asText();
            assertThat(allIds.add(id)).as("duplicate row id " + id).isTrue();
            if (!n.has("__parentId")) {
                assertThat(id).startsWith("gid://shopify/" + rootType + "/");
                roots.add(id);
            }
        }
        Map<String, Integer> perParent = new HashMap<>();
        for (JsonNode n : rows) {
            if (n.has("__parentId")) {
                assertThat(n.path("id").asText()).startsWith("gid://shopify/" + childType + "/");
                String parent = n.path("__parentId").asText();
                assertThat(roots).as("parent of " + n.path("id").asText() + " is in the file").contains(parent);
                perParent.merge(parent, 1, Integer::sum);
            }
        }
        return perParent;
    }

    @Test
    void ordersWithLineItemsCompleteAsLinkedJsonl() throws IOException {
        String id = run(client, "{ orders { edges { node { id name updatedAt totalPriceSet { shopMoney { amount currencyCode } } "
                + "lineItems { edges { node { id quantity } } } } } } }");
        JsonNode done = awaitFinished(client, id);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.path("errorCode").isNull()).isTrue();
        assertThat(done.path("partialDataUrl").isNull()).isTrue();
        assertThat(done.path("type").asText()).isEqualTo("QUERY");
        assertThat(Instant.parse(done.path("completedAt").asText())).isAfterOrEqualTo(Instant.parse(done.path("createdAt").asText()));
        for (String f : List.of("objectCount", "rootObjectCount", "fileSize")) {
            assertThat(done.path(f).isTextual()).as(f + " is an UnsignedInt64 string: " + done).isTrue();
        }
        Jsonl file = download(client, done.path("url").asText());
        assertThat(Long.parseLong(done.path("fileSize").asText())).isEqualTo(file.bytes());
        assertThat(Long.parseLong(done.path("objectCount").asText())).isEqualTo(file.rows().size());

        Map<String, Integer> perOrder = assertLinked(file.rows(), "Order", "LineItem");
        long roots = file.rows().stream().filter(n -> !n.has("__parentId")).count();
        assertThat(Long.parseLong(done.path("rootObjectCount").asText())).isEqualTo(roots);
        long orders = client.data("{ ordersCount { count } }").path("ordersCount").path("count").asLong();
        assertThat(roots).isEqualTo(orders).isEqualTo(40);
        assertThat(perOrder.values()).contains(300); // the 300-line-item order is in the seed

        JsonNode digest = GraphqlClient.JSON.readTree(emu.digest(client.shop));
        long children = file.rows().size() - roots;
        assertThat(children).isEqualTo(digest.path("order_line_items").path("count").asLong());
        // a root row carries the requested fields in the real shapes, and no connection wrappers
        JsonNode root = file.rows().stream().filter(n -> !n.has("__parentId")).findFirst().orElseThrow();
        assertThat(root.has("edges") || root.has("lineItems")).isFalse();
        assertThat(root.path("totalPriceSet").path("shopMoney").path("amount").isTextual()).isTrue();
        assertThat(root.path("updatedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }

    @Test
    void productsWithVariantsIncludingThe2048VariantProduct() throws IOException {
        String id = run(client, "{ products { edges { node { id title updatedAt variants { edges { node { id title price } } } } } } }");
        JsonNode done = awaitFinished(client, id);
        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        Jsonl file = download(client, done.path("url").asText());
        Map<String, Integer> perProduct = assertLinked(file.rows(), "Product", "ProductVariant");
        assertThat(perProduct.values()).contains(2048);
        assertThat(Long.parseLong(done.path("objectCount").asText())).isEqualTo(file.rows().size());
        assertThat(Long.parseLong(done.path("rootObjectCount").asText())).isEqualTo(10);
    }

    @Test
    void currentBulkOperationIsTheLatest() {
        String id = run(client, "{ customers { edges { node { id updatedAt defaultEmailAddress { emailAddress } } } } }");
        JsonNode cur = client.data("{ currentBulkOperation { id status type } }").path("currentBulkOperation");
        assertThat(cur.path("id").asText()).isEqualTo(id);
        awaitFinished(client, id);
        JsonNode after = client.data("{ currentBulkOperation(type: QUERY) { id status objectCount } }").path("currentBulkOperation");
        assertThat(after.path("id").asText()).isEqualTo(id);
        assertThat(after.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(after.path("objectCount").asText()).isEqualTo("20");
        FixtureShapeTest.assertSameShape(WebhookHmacTest.readFixture("graphql/bulk-operation-current-completed-docs.json").path("data"),
                client.data("{ currentBulkOperation { id status errorCode createdAt completedAt objectCount fileSize url partialDataUrl } }"),
                "currentBulkOperation", false);
        // node(id:) resolves bulk operations too (the completed fixture is such a poll)
        JsonNode node = bulkNode(client, id);
        assertThat(node.path("node").path("status").asText()).isEqualTo("COMPLETED");
        FixtureShapeTest.assertSameShape(WebhookHmacTest.readFixture("graphql/bulk-operation-completed.json").path("data"),
                client.data("query($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode createdAt objectCount fileSize url partialDataUrl } } }",
                        Map.of("id", id)), "completed", false);
    }

    @Test
    void runQueryAnswersLikeTheCreatedFixture() {
        GraphqlClient.Resp r = client.post("mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status createdAt } userErrors { field message } } }",
                Map.of("q", "{ products { edges { node { id } } } }"));
        JsonNode fixture = WebhookHmacTest.readFixture("graphql/bulk-operation-run-query-created.json");
        FixtureShapeTest.assertSameShape(fixture, r.json(), "run-query", false);
        assertThat(r.cost().path("requestedQueryCost").asInt()).isEqualTo(10);
        // Shopify answers the mutation with the operation as created; the run starts afterwards
        assertThat(r.json().path("data").path("bulkOperationRunQuery").path("bulkOperation").path("status").asText()).isEqualTo("CREATED");
        awaitFinished(client, r.json().path("data").path("bulkOperationRunQuery").path("bulkOperation").path("id").asText());
    }

    @Test
    void invalidBulkQueryIsAUserError() {
        JsonNode r = client.data("mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { field message } } }",
                Map.of("q", "{ orders { edges { node { noSuchField } } } }")).path("bulkOperationRunQuery");
        assertThat(r.path("bulkOperation").isNull()).isTrue();
        assertThat(r.path("userErrors")).isNotEmpty();
    }

    @Test
    void atMostFiveRunningPerShopThenCancel() {
        // paced at 1 object/s in real time, so the operations stay RUNNING until cancelled
        try (ShopifyEmulator e = ShopifyEmulator.builder().port(0).shops(1).seed(8).orders(30).products(3).customers(3)
                .plan("plus").timeScale(1.0).bulkObjectsPerSecond(1).start()) {
            var s = e.shops().get(0);
            GraphqlClient c = new GraphqlClient(e.baseUrl(), s.domain(), s.accessToken());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) ids.add(run(c, "{ orders { edges { node { id } } } }"));
            JsonNode sixth = c.data("mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { field message code } } }",
                    Map.of("q", "{ orders { edges { node { id } } } }")).path("bulkOperationRunQuery");
            assertThat(sixth.path("bulkOperation").isNull()).as(sixth.toString()).isTrue();
            assertThat(sixth.path("userErrors")).isNotEmpty();
            assertThat(sixth.path("userErrors").get(0).path("message").asText()).containsIgnoringCase("already in progress");
            assertThat(sixth.path("userErrors").get(0).path("code").asText()).isEqualTo("OPERATION_IN_PROGRESS");
            FixtureShapeTest.assertSameShape(
                    WebhookHmacTest.readFixture("graphql/bulk-operation-run-query-already-in-progress.json").path("data"),
                    c.data("mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { field message } } }",
                            Map.of("q", "{ orders { edges { node { id } } } }")), "already-in-progress", false);
            for (String id : ids) assertThat(op(c, id).path("status").asText()).isIn("CREATED", "RUNNING");
            await().atMost(Duration.ofSeconds(5)).until(() -> op(c, ids.get(0)).path("status").asText().equals("RUNNING"));
            FixtureShapeTest.assertSameShape(WebhookHmacTest.readFixture("graphql/bulk-operation-running.json").path("data"),
                    bulkNode(c, ids.get(0)), "running", false);

            // cancel one: CANCELING, then CANCELED without a url; a new one is accepted again
            JsonNode cancel = c.data("mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } } }",
                    Map.of("id", ids.get(0))).path("bulkOperationCancel");
            assertThat(cancel.path("userErrors")).isEmpty();
            assertThat(cancel.path("bulkOperation").path("status").asText()).isIn("CANCELING", "CANCELED");
            JsonNode canceled = awaitFinished(c, ids.get(0));
            assertThat(canceled.path("status").asText()).isEqualTo("CANCELED");
            assertThat(canceled.path("url").isNull()).isTrue();
            FixtureShapeTest.assertSameShape(WebhookHmacTest.readFixture("graphql/bulk-operation-canceled.json").path("data"),
                    bulkNode(c, ids.get(0)), "canceled", false);
            String replacement = run(c, "{ orders { edges { node { id } } } }");
            assertThat(replacement).isNotIn(ids);

            // cancelling an operation that is no longer running is a user error
            JsonNode again = c.data("mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } } }",
                    Map.of("id", ids.get(0))).path("bulkOperationCancel");
            assertThat(again.path("userErrors")).isNotEmpty();
            for (String id : ids.subList(1, 5)) {
                c.data("mutation($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }", Map.of("id", id));
            }
            c.data("mutation($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }", Map.of("id", replacement));
            for (String id : ids.subList(1, 5)) assertThat(awaitFinished(c, id).path("status").asText()).isEqualTo("CANCELED");
        }
    }

    @Test
    void injectedFailureLeavesPartialData() throws IOException {
        client.injectBulkFailure(120);
        String id = run(client, "{ orders { edges { node { id lineItems { edges { node { id } } } } } } }");
        JsonNode failed = awaitFinished(client, id);
        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.path("errorCode").asText()).isEqualTo("INTERNAL_SERVER_ERROR");
        assertThat(failed.path("url").isNull()).isTrue();
        assertThat(failed.path("partialDataUrl").isTextual()).as(failed.toString()).isTrue();
        Jsonl partial = download(client, failed.path("partialDataUrl").asText());
        assertThat(partial.rows()).isNotEmpty();
        // valid JSONL, fewer rows than the complete result
        client.clearFaults();
        JsonNode full = awaitFinished(client, run(client, "{ orders { edges { node { id lineItems { edges { node { id } } } } } } }"));
        assertThat(full.path("status").asText()).isEqualTo("COMPLETED");
        assertThat((long) partial.rows().size()).isLessThan(Long.parseLong(full.path("objectCount").asText()));
        assertThat(Long.parseLong(failed.path("objectCount").asText())).isEqualTo(partial.rows().size());
        // every complete row of the partial file links to a parent that is in the file or was never written
        FixtureShapeTest.assertSameShape(WebhookHmacTest.readFixture("graphql/bulk-operation-failed-partial-data.json").path("data"),
                bulkNode(client, id), "failed", false);
    }

    @Test
    void anInjectedAccessDeniedFailsAtOnceWithThatCodeAndNoData() {
        client.setFault(Map.of("bulkFailAfterObjects", 0, "bulkErrorCode", "ACCESS_DENIED"));
        JsonNode failed = awaitFinished(client, run(client, "{ customers { edges { node { id } } } }"));
        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.path("errorCode").asText()).isEqualTo("ACCESS_DENIED");
        assertThat(failed.path("url").isNull()).isTrue();
        assertThat(failed.path("partialDataUrl").isNull()).as(failed.toString()).isTrue();
        GraphqlClient.Resp refused = client.control("PUT", client.shopControl("/faults"), Map.of("bulkErrorCode", "NO_SUCH_CODE"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("ACCESS_DENIED", "INTERNAL_SERVER_ERROR", "TIMEOUT");
        assertThat(client.controlOk("DELETE", client.shopControl("/faults"), null).path("bulkErrorCode").asText())
                .isEqualTo("INTERNAL_SERVER_ERROR");
    }

    @Test
    void bulkOperationsFinishWebhook() {
        try (GraphqlClient.Receiver rx = new GraphqlClient.Receiver()) {
            String sub = WebhookDeliveryIntegrationTest.subscribe(client, "BULK_OPERATIONS_FINISH", rx.url("/bulk"));
            try {
                String id = run(client, "{ customers { edges { node { id } } } }");
                awaitFinished(client, id);
                await().atMost(Duration.ofSeconds(10)).until(() -> !rx.at("/bulk").isEmpty());
                GraphqlClient.Delivery d = rx.at("/bulk").get(0);
                assertThat(d.header("X-Shopify-Topic")).isEqualTo("bulk_operations/finish");
                assertThat(WebhookHmacTest.verify(WebhookDeliveryIntegrationTest.SECRET_DEFAULT, d.body(), d.header("X-Shopify-Hmac-Sha256"))).isTrue();
                JsonNode body = d.json();
                FixtureShapeTest.assertSameShape(WebhookHmacTest.readFixture("webhooks/bulk_operations-finish.json"), body, "bulk_operations/finish", false);
                assertThat(body.path("admin_graphql_api_id").asText()).isEqualTo(id);
                assertThat(body.path("status").asText()).isEqualTo("completed");
                assertThat(body.path("type").asText()).isEqualTo("query");
                assertThat(body.path("error_code").isNull()).isTrue();
            } finally {
                WebhookDeliveryIntegrationTest.unsubscribe(client, sub);
            }
        }
    }

    @Test
    void resultLinksAnswerByteRangesAndLogEveryDownload() {
        client.controlOk("DELETE", client.shopControl("/bulk/downloads"), null);
        String id = run(client, "{ customers { edges { node { id email } } } }");
        JsonNode done = awaitFinished(client, id);
        String url = done.path("url").asText();
        byte[] whole = client.get(url).bytes();
        long size = whole.length;
        assertThat(size).isEqualTo(Long.parseLong(done.path("fileSize").asText())).isGreaterThan(100);

        GraphqlClient.Resp tail = ranged(url, "bytes=100-");
        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.headers().get("content-range")).containsExactly("bytes 100-" + (size - 1) + "/" + size);
        assertThat(tail.bytes()).isEqualTo(java.util.Arrays.copyOfRange(whole, 100, whole.length));
        GraphqlClient.Resp middle = ranged(url, "bytes=10-19");
        assertThat(middle.status()).isEqualTo(206);
        assertThat(middle.bytes()).isEqualTo(java.util.Arrays.copyOfRange(whole, 10, 20));
        GraphqlClient.Resp past = ranged(url, "bytes=" + size + "-");
        assertThat(past.status()).as("a range at the end is unsatisfiable").isEqualTo(416);
        assertThat(past.headers().get("content-range")).containsExactly("bytes */" + size);

        // a server that ignores Range answers the whole file with 200
        client.controlOk("PUT", client.shopControl("/bulk/downloads"), Map.of("ignoreRange", true));
        GraphqlClient.Resp ignored = ranged(url, "bytes=100-");
        assertThat(ignored.status()).isEqualTo(200);
        assertThat(ignored.bytes()).isEqualTo(whole);
        client.controlOk("PUT", client.shopControl("/bulk/downloads"), Map.of("ignoreRange", false));

        JsonNode log = client.controlOk("GET", client.shopControl("/bulk/downloads"), null).path("downloads");
        List<String> seen = new ArrayList<>();
        for (JsonNode d : log) {
            assertThat(d.path("operationId").asText()).isEqualTo(id);
            seen.add(d.path("status").asInt() + "@" + (d.path("offset").isNull() ? "-" : d.path("offset").asText()));
        }
        assertThat(seen).containsExactly("200@-", "206@100", "206@10", "416@" + size, "200@100");
    }

    @Test
    void anExpiredLinkAnswersLikeExpiredCloudStorageAndTheOperationIsExpired() {
        String id = run(client, "{ products { edges { node { id title } } } }");
        JsonNode done = awaitFinished(client, id);
        String url = done.path("url").asText();
        assertThat(client.get(url).status()).isEqualTo(200);

        JsonNode expired = client.controlOk("POST", client.shopControl("/bulk/expire"), Map.of("id", id));
        assertThat(expired.path("expired").get(0).asText()).isEqualTo(id);
        JsonNode after = op(client, id);
        assertThat(after.path("status").asText()).isEqualTo("EXPIRED");
        assertThat(after.path("url").isNull()).as("no link to an expired result").isTrue();
        GraphqlClient.Resp dead = client.get(url);
        assertThat(dead.status()).isEqualTo(400);
        assertThat(dead.body()).contains("<Code>ExpiredToken</Code>");
        assertThat(ranged(url, "bytes=10-").status()).as("a resume finds it dead too").isEqualTo(400);
        assertThat(client.control("POST", client.shopControl("/bulk/expire"), Map.of("id", id)).status())
                .as("already expired").isEqualTo(404);
        assertThat(client.control("POST", client.shopControl("/bulk/expire"), Map.of("httpStatus", 418)).status()).isEqualTo(400);

        // the other answer storage gives a link it refuses: 403 AccessDenied, for every finished operation at once
        String second = run(client, "{ products { edges { node { id } } } }");
        String secondUrl = awaitFinished(client, second).path("url").asText();
        client.controlOk("POST", client.shopControl("/bulk/expire"), Map.of("httpStatus", 403));
        assertThat(op(client, second).path("status").asText()).isEqualTo("EXPIRED");
        assertThat(client.get(secondUrl).status()).isEqualTo(403);
    }

    @Test
    void aCutDownloadDropsTheConnectionShortOfItsLength() {
        String id = run(client, "{ customers { edges { node { id email } } } }");
        String url = awaitFinished(client, id).path("url").asText();
        client.controlOk("PUT", client.shopControl("/bulk/downloads"), Map.of("cutAfterBytes", 50));
        assertThatThrownBy(() -> client.get(url)).as("the body ends before its Content-Length").isInstanceOf(UncheckedIOException.class);
        assertThat(client.get(url).status()).as("one cut only").isEqualTo(200);
        JsonNode settings = client.controlOk("GET", client.shopControl("/bulk/downloads"), null).path("settings");
        assertThat(settings.path("cuts").asInt()).isZero();
    }

    @Test
    void countsStopAtTheCountLimitWithAtLeastUnlessTheLimitIsNull() {
        JsonNode before = client.controlOk("GET", "/_emulator/settings", null);
        assertThat(before.path("countLimit").asInt()).as("Shopify's default").isEqualTo(10_000);
        try {
            client.controlOk("PUT", "/_emulator/settings", Map.of("countLimit", 15));
            JsonNode capped = client.data("{ customersCount { count precision } }").path("customersCount");
            assertThat(capped.path("count").asInt()).isEqualTo(15);
            assertThat(capped.path("precision").asText()).isEqualTo("AT_LEAST");
            JsonNode filtered = client.data("{ customersCount(query: \"id:>=1\") { count precision } }").path("customersCount");
            assertThat(filtered.path("precision").asText()).isEqualTo("AT_LEAST");
            JsonNode real = client.data("{ customersCount(limit: null) { count precision } }").path("customersCount");
            assertThat(real.path("count").asInt()).isEqualTo(20);
            assertThat(real.path("precision").asText()).isEqualTo("EXACT");
            assertThat(client.data("{ ordersCount(limit: 100) { count precision } }").path("ordersCount").path("count").asInt())
                    .isEqualTo(40);
            assertThat(client.control("PUT", "/_emulator/settings", Map.of("countLimit", 0)).status()).isEqualTo(400);
        } finally {
            client.controlOk("PUT", "/_emulator/settings", Map.of("countLimit", 10_000));
        }
    }

    @Test
    void aHeldOperationStaysRunningUntilReleasedThenCompletes() {
        client.controlOk("PUT", "/_emulator/settings", Map.of("bulkHeld", true));
        try {
            String id = run(client, "{ customers { edges { node { id } } } }");
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(25))
                    .until(() -> op(client, id).path("status").asText().equals("RUNNING"));
            assertThat(op(client, id).path("objectCount").asLong()).as("stopped after its first object").isLessThan(20);
            assertThat(client.controlOk("GET", "/_emulator/settings", null).path("bulkHeld").asBoolean()).isTrue();
            client.controlOk("PUT", "/_emulator/settings", Map.of("bulkHeld", false));
            JsonNode done = awaitFinished(client, id);
            assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
            assertThat(done.path("objectCount").asLong()).isEqualTo(20);
        } finally {
            client.controlOk("PUT", "/_emulator/settings", Map.of("bulkHeld", false));
        }
    }

    @Test
    void oneBadSettingChangesNoSetting() {
        JsonNode before = client.controlOk("GET", "/_emulator/settings", null);
        // timeScale alone would be valid; the bad value beside it must leave it unapplied
        GraphqlClient.Resp refused = client.control("PUT", "/_emulator/settings", Map.of("timeScale", 0.5, "bulkHeld", "yes",
                "countLimit", 7));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("'bulkHeld' must be true or false");
        assertThat(client.controlOk("GET", "/_emulator/settings", null)).isEqualTo(before);
    }

    private static GraphqlClient.Resp ranged(String url, String range) {
        return GraphqlClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Range", range).GET().build());
    }
}
