package io.shopifysync.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import graphql.ExecutionInput;
import graphql.ParseAndValidate;
import graphql.ParseAndValidateResult;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.Fixtures;
import io.shopifysync.testing.SyncHarness;
import io.shopifysync.webhooks.WebhookSignature;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every GraphQL document the client sends while importing, polling, reconciling, applying a webhook, healing
 * subscriptions and re-checking a shop Shopify stopped serving, recorded on the wire by a proxy in front of the emulator, is valid against Shopify's real Admin
 * schema (src/test/resources/fixtures/shopify/schema, 2026-07), bulk queries inside {@code bulkOperationRunQuery}
 * included. The emulator validates against its own SDL subset; this checks the client against the real one.
 * The documents do not depend on the database: H2 only.
 */
class RealSchemaValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_schema_secret";
    private static final Pattern OPERATION = Pattern.compile("^\\s*(?:query|mutation)\\s+(\\w+)");

    @TempDir
    Path dataDir;

    @Test
    void everyDocumentTheClientSendsIsValidAgainstTheRealAdminSchema() throws Exception {
        GraphQLSchema schema = realSchema();
        // the check can fail: the real schema refuses a field Shopify does not have, and an argument it does not take
        assertThat(ParseAndValidate.parseAndValidate(schema, ExecutionInput.newExecutionInput("{ shop { noSuchField } }")
                .build()).isFailure()).isTrue();
        assertThat(ParseAndValidate.parseAndValidate(schema, ExecutionInput.newExecutionInput(
                "{ orders(first: 1, since: 3) { edges { node { id } } } }").build()).isFailure()).isTrue();
        Map<String, String> documents = new ConcurrentHashMap<>(); // document -> where it was seen
        HttpClient forward = HttpClient.newHttpClient();
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(77).orders(12).products(6).customers(10)
                .plan("plus").clientSecret(SECRET).timeScale(0.01).start()) {
            HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            proxy.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                record(documents, body);
                HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(emu.baseUrl() + exchange.getRequestURI()))
                        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (name.equalsIgnoreCase("X-Shopify-Access-Token") || name.equalsIgnoreCase("Content-Type")) {
                        values.forEach(v -> out.header(name, v));
                    }
                });
                try {
                    HttpResponse<byte[]> answer = forward.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
                    answer.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
                    exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                    exchange.getResponseBody().write(answer.body());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(502, -1);
                } finally {
                    exchange.close();
                }
            });
            proxy.start();
            try (SyncHarness sync = new SyncHarness(Dialect.H2, dataDir, Map.of("shopify.client.secret", SECRET,
                    "poll.interval.ms", "300", "reconcile.interval.ms", "0", "webhook.process.interval.ms", "200",
                    "webhook.public.url", "https://sync.example.com", "webhook.subscriptions.interval.ms", "1000",
                    "shop.unavailable.recheck.tick.ms", "200", "shop.unavailable.recheck.interval.ms", "200")).start()) {
                EmulatedShop shop = emu.shops().get(0);
                String proxied = "http://127.0.0.1:" + proxy.getAddress().getPort() + "/shops/" + shop.domain();
                sync.register(shop.domain(), shop.accessToken(), proxied);
                await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
                EmulatorControl control = new EmulatorControl(emu);
                control.call("POST", "/_emulator/shops/" + shop.domain() + "/customers/create", "{\"count\":2}");
                long order = sync.count("SELECT MIN(id) FROM shopify.orders WHERE shop_domain = '" + shop.domain() + "'");
                byte[] webhook = ("{\"id\":" + order + ",\"admin_graphql_api_id\":\"gid://shopify/Order/" + order + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                HttpResponse<String> delivered = forward.send(HttpRequest.newBuilder(URI.create(sync.httpBase() + "/webhooks/shopify"))
                        .header("Content-Type", "application/json").header("X-Shopify-Topic", "orders/updated")
                        .header("X-Shopify-Shop-Domain", shop.domain()).header("X-Shopify-Event-Id", "schema-1")
                        .header("X-Shopify-Hmac-Sha256", WebhookSignature.sign(SECRET, webhook))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(webhook)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(delivered.statusCode()).isEqualTo(200);
                // the import, the poll, the reconciliation, the webhook's re-read, the healer and the scope check have all spoken
                await().atMost(Duration.ofSeconds(60)).until(() -> operations(documents).containsAll(
                        Set.of("RunBulk", "Bulk", "Page", "Nodes", "WebhookSubscriptions", "WebhookSubscriptionCreate", "AccessScopes")));
                // a shop Shopify stopped serving is asked whether it answers again (the re-check's own query)
                sync.execute("UPDATE shopify.shops SET status = 'FROZEN' WHERE shop_domain = '" + shop.domain() + "'");
                await().atMost(Duration.ofSeconds(30)).until(() -> operations(documents).contains("ShopRecheck")
                        && sync.count("SELECT COUNT(*) FROM shopify.shops WHERE status = 'INSTALLED'") == 1);
            } finally {
                proxy.stop(0);
            }
        }
        Map<String, String> invalid = new TreeMap<>();
        documents.forEach((document, seen) -> {
            ParseAndValidateResult result = ParseAndValidate.parseAndValidate(schema, ExecutionInput.newExecutionInput(document).build());
            if (result.isFailure()) {
                invalid.put(seen + ": " + document, result.getErrors().toString());
            }
        });
        System.out.printf("%d distinct documents recorded: %s%n", documents.size(), operations(documents));
        assertThat(documents.values()).as("bulk queries were recorded").anyMatch(s -> s.startsWith("bulkOperationRunQuery"));
        assertThat(documents.keySet()).as("counts asked without Shopify's 10,000 cap, plain and filtered")
                .anyMatch(d -> d.contains("Count(limit: null)")).anyMatch(d -> d.contains("Count(query:") && d.contains("limit: null"));
        assertThat(invalid).as("documents invalid against Shopify's Admin schema 2026-07 (of %d recorded)", documents.size())
                .isEmpty();
    }

    private static void record(Map<String, String> documents, byte[] body) {
        try {
            JsonNode request = JSON.readTree(body);
            String query = request.path("query").asText(null);
            if (query == null) {
                return;
            }
            documents.putIfAbsent(query, "request");
            // a bulk operation's own query is a document too, validated as a query of its own
            String inner = request.path("variables").path("query").asText(null);
            if (query.contains("bulkOperationRunQuery") && inner != null) {
                documents.putIfAbsent(inner, "bulkOperationRunQuery");
            }
        } catch (java.io.IOException e) {
            // not JSON (a bulk result download): no document
        }
    }

    private static Set<String> operations(Map<String, String> documents) {
        Set<String> names = ConcurrentHashMap.newKeySet();
        for (String d : documents.keySet()) {
            Matcher m = OPERATION.matcher(d);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static GraphQLSchema realSchema() throws Exception {
        Path gz = Fixtures.dir().resolve("schema/admin-2026-07.graphql.gz");
        String sdl;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return UnExecutableSchemaGenerator.makeUnExecutableSchema(new SchemaParser().parse(sdl));
    }
}
