package io.shopifysync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.AppProcess;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.CliProcess;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.SyncHarness;
import io.shopifysync.testing.TestDatabase;
import io.shopifysync.webhooks.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** keys rotate: every stored token moves to the new master key in one go, and stays readable throughout. */
class KeysCommandTest {

    @TempDir
    Path dataDir;

    @BothDatabases
    void rotatesTheKeyFileAndReEncryptsEveryToken(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect, dataDir)) {
            Map<String, String> env = CliProcess.envFor(tdb);
            assertThat(CliProcess.run(dataDir, env, "accounts", "add", "--shop", "a.myshopify.com", "--token", "shpat_aaa").exitCode()).isZero();
            assertThat(CliProcess.run(dataDir, env, "accounts", "add", "--shop", "b.myshopify.com", "--token", "shpat_bbb").exitCode()).isZero();
            MasterKey old = MasterKey.fromFile(dataDir.resolve(MasterKey.KEY_FILE));

            CliProcess.Result r = CliProcess.run(dataDir, env, "keys", "rotate");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("re-encrypted 2 stored token(s) from key " + old.id()).doesNotContain("shpat_");
            MasterKey current = MasterKey.fromFile(dataDir.resolve(MasterKey.KEY_FILE));
            assertThat(current.id()).isNotEqualTo(old.id());
            assertThat(MasterKey.fromFile(dataDir.resolve(MasterKey.PREVIOUS_KEY_FILE)).id()).isEqualTo(old.id());

            Files.delete(dataDir.resolve(MasterKey.PREVIOUS_KEY_FILE)); // the new key alone reads everything
            try (Database db = tdb.open()) {
                Accounts accounts = new Accounts(db, new TokenCipher(current));
                assertThat(accounts.credentials("a.myshopify.com").orElseThrow().accessToken()).isEqualTo("shpat_aaa");
                assertThat(accounts.credentials("b.myshopify.com").orElseThrow().accessToken()).isEqualTo("shpat_bbb");
            }
        }
    }

    @BothDatabases
    void aKeyFromTheEnvironmentNeedsTheNewKeyGivenExplicitly(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect, dataDir)) {
            MasterKey old = MasterKey.generate();
            MasterKey next = MasterKey.generate();
            Map<String, String> env = new HashMap<>(CliProcess.envFor(tdb));
            env.put("SHOPIFY_SYNC_MASTER_KEY", old.base64());
            assertThat(CliProcess.run(dataDir, env, "accounts", "add", "--shop", "a.myshopify.com", "--token", "shpat_aaa").exitCode()).isZero();

            CliProcess.Result refused = CliProcess.run(dataDir, env, "keys", "rotate");
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains("--new-key-file");

            Path keyFile = Files.writeString(dataDir.resolve("new.key"), next.base64());
            CliProcess.Result r = CliProcess.run(dataDir, env, "keys", "rotate", "--new-key-file", keyFile.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("SHOPIFY_SYNC_MASTER_KEY_PREVIOUS").doesNotContain(next.base64()).doesNotContain(old.base64());
            try (Database db = tdb.open()) {
                assertThat(new Accounts(db, new TokenCipher(next)).credentials("a.myshopify.com").orElseThrow().accessToken())
                        .isEqualTo("shpat_aaa");
            }
            assertThat(Files.exists(dataDir.resolve(MasterKey.KEY_FILE))).as("no key file written for an environment key").isFalse();
        }
    }

    /**
     * Keys from the environment, without an outage: the instances are restarted with the new key and the old one as
     * SHOPIFY_SYNC_MASTER_KEY_PREVIOUS first (they read both), then keys rotate, with that same environment, moves the
     * tokens left under the old key to the new one, after which the previous key can go.
     */
    @BothDatabases
    void withKeysFromTheEnvironmentRotateFinishesARotationTheInstancesAlreadyRunWith(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect, dataDir)) {
            MasterKey old = MasterKey.generate();
            MasterKey next = MasterKey.generate();
            Map<String, String> env = new HashMap<>(CliProcess.envFor(tdb));
            env.put("SHOPIFY_SYNC_MASTER_KEY", old.base64());
            assertThat(CliProcess.run(dataDir, env, "accounts", "add", "--shop", "a.myshopify.com", "--token", "shpat_aaa").exitCode()).isZero();
            env.put("SHOPIFY_SYNC_MASTER_KEY", next.base64());
            env.put("SHOPIFY_SYNC_MASTER_KEY_PREVIOUS", old.base64());
            assertThat(CliProcess.run(dataDir, env, "accounts", "add", "--shop", "b.myshopify.com", "--token", "shpat_bbb").exitCode()).isZero();

            CliProcess.Result r = CliProcess.run(dataDir, env, "keys", "rotate");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("re-encrypted 2 stored token(s)").contains("to key " + next.id())
                    .contains("drop SHOPIFY_SYNC_MASTER_KEY_PREVIOUS").doesNotContain(next.base64()).doesNotContain(old.base64());
            try (Database db = tdb.open()) {
                Accounts accounts = new Accounts(db, new TokenCipher(next)); // the previous key is no longer needed
                assertThat(accounts.credentials("a.myshopify.com").orElseThrow().accessToken()).isEqualTo("shpat_aaa");
                assertThat(accounts.credentials("b.myshopify.com").orElseThrow().accessToken()).isEqualTo("shpat_bbb");
            }
            assertThat(Files.exists(dataDir.resolve(MasterKey.KEY_FILE))).as("no key file written for an environment key").isFalse();
        }
    }

    /**
     * keys rotate run beside a running instance that uses the key file: the instance goes on polling and applying
     * webhooks (it re-reads the key files when a token names a key it does not hold), and nothing is dead-lettered.
     */
    @BothDatabases
    void aRunningInstanceKeepsPollingAndApplyingWebhooksAcrossARotation(Dialect dialect) throws Exception {
        String secret = "whsec_rotation";
        TestDatabase tdb = TestDatabase.create(dialect, dataDir);
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(15).orders(20).products(5).customers(10)
                .plan("plus").clientSecret(secret).timeScale(0.01).start();
             SyncHarness sync = new SyncHarness(tdb, dataDir, Map.of())) {
            EmulatedShop shop = emu.shops().get(0);
            sync.register(shop); // no SHOPIFY_SYNC_MASTER_KEY: master.key in the data dir
            MasterKey old = MasterKey.fromFile(dataDir.resolve(MasterKey.KEY_FILE));
            Map<String, String> env = sync.processEnv();
            assertThat(env).doesNotContainKey("SHOPIFY_SYNC_MASTER_KEY");
            env.putAll(Map.of("SHOPIFY_CLIENT_SECRET", secret, "POLL_INTERVAL_MS", "500", "WEBHOOK_PROCESS_INTERVAL_MS", "200",
                    "IMPORT_INTERVAL_MS", "200"));
            Path log = dataDir.resolve("app.log");
            try (AppProcess app = AppProcess.start(env, log)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> sync.allIncremental(shop.domain()));

                CliProcess.Result rotated = CliProcess.run(dataDir, CliProcess.envFor(tdb), "keys", "rotate");
                assertThat(rotated.exitCode()).as(rotated.err()).isZero();
                MasterKey next = MasterKey.fromFile(dataDir.resolve(MasterKey.KEY_FILE));
                assertThat(next.id()).isNotEqualTo(old.id());
                assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops WHERE token_key_id = '" + next.id() + "'")).isEqualTo(1);

                // changed in the store after the rotation: one order reaches the database by polling, one by its webhook
                JsonNode changed = new EmulatorControl(emu).call("POST", "/_emulator/shops/" + shop.domain() + "/orders/update",
                        "{\"count\":2}").path("objects");
                JsonNode hooked = changed.get(0);
                byte[] body = ("{\"id\":" + hooked.path("legacyResourceId").asText() + ",\"updated_at\":\""
                        + hooked.path("updatedAt").asText() + "\"}").getBytes(StandardCharsets.UTF_8);
                HttpResponse<String> ack = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + env.get("HTTP_PORT") + "/webhooks/shopify"))
                        .header("X-Shopify-Topic", "orders/updated").header("X-Shopify-Shop-Domain", shop.domain())
                        .header("X-Shopify-Event-Id", "after-rotation-1").header("Content-Type", "application/json")
                        .header("X-Shopify-Hmac-Sha256", WebhookSignature.sign(secret, body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(ack.statusCode()).isEqualTo(200);

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters")).as("dead letters").isZero();
                    assertThat(sync.count("SELECT COUNT(*) FROM shopify.webhook_inbox WHERE status = 'DONE'")).as("applied").isEqualTo(1);
                    assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
                });
                assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters")).as("dead letters").isZero();
                assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops WHERE status = 'INSTALLED'")).isEqualTo(1);
                assertThat(app.isAlive()).isTrue();
            }
            assertThat(Files.readString(log)).contains("master keys re-read").doesNotContain(old.base64())
                    .doesNotContain(shop.accessToken());
        }
    }
}
