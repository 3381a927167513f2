package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.AppProcess;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the application while signed deliveries pour in from several threads: every delivery that was
 * answered 200 is in {@code shopify.webhook_inbox} (a 200 means committed), and none is stored twice.
 */
class WebhookKillUnderLoadIntegrationTest {

    private static final String SECRET = "whsec_kill_test";
    private static final String SHOP = "kill-under-load.myshopify.com";
    private static final int DELIVERIES = 2_000;
    private static final int THREADS = 8;
    /** The kill lands once this many deliveries were acknowledged, well before all of them were sent. */
    private static final int KILL_AFTER_ACKS = 400;

    @TempDir
    Path dataDir;

    @BothDatabases
    void everyAcknowledgedDeliverySurvivesAKillUnderLoad(Dialect dialect) throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key);
        int port = FreePort.find();
        try (TestDatabase tdb = TestDatabase.create(dialect, dataDir); Database db = tdb.open()) {
            // registered with the same master key as the application's; its API is unreachable (nothing is fetched)
            new Accounts(db, new TokenCipher(MasterKey.fromBase64(masterKey)))
                    .add(SHOP, "shpat_kill_test", "http://127.0.0.1:" + FreePort.find() + "/shops/" + SHOP, true);
            Map<String, String> env = new HashMap<>();
            env.put("DB_URL", tdb.url());
            if (dialect == Dialect.POSTGRESQL) {
                env.put("DB_USER", TestDatabase.PG_USER);
                env.put("DB_PASSWORD", TestDatabase.PG_PASSWORD);
            }
            env.put("SHOPIFY_SYNC_DATA_DIR", dataDir.toString());
            env.put("SHOPIFY_SYNC_MASTER_KEY", masterKey);
            env.put("SHOPIFY_CLIENT_SECRET", SECRET);
            env.put("HTTP_PORT", Integer.toString(port));
            env.put("POLL_INTERVAL_MS", "3600000");
            env.put("IMPORT_INTERVAL_MS", "3600000");
            Path log = Files.createTempFile(dataDir, "app", ".log");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            URI uri = URI.create("http://127.0.0.1:" + port + "/webhooks/shopify");

            Set<String> acked = ConcurrentHashMap.newKeySet();
            AtomicInteger next = new AtomicInteger();
            AtomicInteger otherStatus = new AtomicInteger();
            AtomicInteger sentAfterKill = new AtomicInteger();
            AtomicInteger refusedAfterKill = new AtomicInteger();
            AtomicBoolean killed = new AtomicBoolean();
            ExecutorService senders = Executors.newFixedThreadPool(THREADS);
            try (AppProcess app = AppProcess.start(env, log)) {
                // ready: the intake answers (401 to an unsigned request)
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 401);

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    running.add(senders.submit(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < DELIVERIES && System.nanoTime() < deadline) {
                            String eventId = "evt-" + i;
                            boolean afterKill = killed.get();
                            try {
                                int status = deliver(http, uri, eventId, i);
                                if (status == 200) {
                                    acked.add(eventId);
                                } else {
                                    otherStatus.incrementAndGet();
                                }
                            } catch (IOException e) {
                                if (afterKill) {
                                    refusedAfterKill.incrementAndGet();
                                }
                            }
                            if (afterKill) {
                                sentAfterKill.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> acked.size() >= KILL_AFTER_ACKS);
                app.kill();
                killed.set(true);
                assertThat(app.isAlive()).isFalse();
                for (Future<?> f : running) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                senders.shutdownNow();
            }

            assertThat(acked).as("deliveries acknowledged before the kill").hasSizeGreaterThanOrEqualTo(KILL_AFTER_ACKS)
                    .hasSizeLessThan(DELIVERIES);
            assertThat(sentAfterKill.get()).as("the load went on after the kill").isPositive();
            assertThat(refusedAfterKill.get()).as("deliveries after the kill failed").isPositive();
            assertThat(otherStatus.get()).as("answers other than 200 while the app was up").isZero();

            List<String> stored = new ArrayList<>();
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT event_key FROM shopify.webhook_inbox WHERE shop_domain = ?")) {
                ps.setString(1, SHOP);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.add(rs.getString(1));
                    }
                }
            }
            Set<String> distinct = new HashSet<>(stored);
            System.out.printf("%s: %d deliveries attempted, %d acknowledged (200), %d sent after the kill (%d refused), "
                    + "%d stored, %d stored twice%n", dialect, Math.min(next.get(), DELIVERIES), acked.size(), sentAfterKill.get(),
                    refusedAfterKill.get(), distinct.size(), stored.size() - distinct.size());
            assertThat(stored).as("no event stored twice").hasSize(distinct.size());
            Set<String> lost = new HashSet<>(acked);
            lost.removeAll(distinct);
            assertThat(lost).as("acknowledged with 200 but not in shopify.webhook_inbox (of %d acknowledged, %d stored)",
                    acked.size(), distinct.size()).isEmpty();
            // what is stored beyond the acknowledged: deliveries committed whose 200 the kill cut off
            assertThat(distinct.size() - acked.size()).as("stored but never acknowledged").isBetween(0, THREADS);
        }
    }

    private static int deliver(HttpClient http, URI uri, String eventId, int i) throws IOException {
        long id = 7_000_000_000L + i;
        byte[] body = ("{\"id\":" + id + ",\"admin_graphql_api_id\":\"gid://shopify/Order/" + id
                + "\",\"updated_at\":\"2026-11-26T10:00:00Z\",\"total_price\":\"19.90\"}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").header("X-Shopify-Topic", "orders/updated")
                .header("X-Shopify-Shop-Domain", SHOP).header("X-Shopify-API-Version", "2026-10")
                .header("X-Shopify-Webhook-Id", "wh-" + eventId).header("X-Shopify-Event-Id", eventId)
                .header("X-Shopify-Triggered-At", "2026-11-26T10:00:00.000000Z")
                .header("X-Shopify-Hmac-Sha256", WebhookSignature.sign(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
