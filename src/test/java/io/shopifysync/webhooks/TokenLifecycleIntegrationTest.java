package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.ShopCredentials;
import io.shopifysync.accounts.ShopDomain;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.shopify.TokenRefresher;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.SyncHarness;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** Expiring offline tokens and client credentials are renewed in time; a token that stays refused pauses the shop. */
class TokenLifecycleIntegrationTest {

    private static final String SECRET = "whsec_tokens";

    @TempDir
    Path dataDir;

    private SyncHarness harness(Dialect dialect) {
        return new SyncHarness(dialect, dataDir, Map.of("shopify.client.secret", SECRET,
                "shopify.client.id", ShopifyEmulator.CLIENT_ID, "token.refresh.ahead.seconds", "1",
                "poll.interval.ms", "500", "reconcile.interval.ms", "0", "sync.overlap.seconds", "5"));
    }

    private static ShopifyEmulator emulator(int seed) {
        return emulator(seed, 1);
    }

    private static ShopifyEmulator emulator(int seed, int shops) {
        return ShopifyEmulator.builder().port(0).shops(shops).seed(seed).orders(6).products(3).customers(6).plan("plus")
                .clientSecret(SECRET).timeScale(0.01).start();
    }

    private static int grants(EmulatorControl control, EmulatedShop shop) {
        return control.call("GET", "/_emulator/shops/" + shop.domain(), null).path("tokenGrants").asInt();
    }

    @BothDatabases
    void anExpiringTokenIsRefreshedAheadOfExpiryAndItsRefreshTokenRotates(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(61); SyncHarness sync = harness(dialect).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            JsonNode issued = control.call("POST", "/_emulator/shops/" + shop.domain() + "/token/expiring", "{\"expiresInSeconds\":3}");
            new Accounts(sync.db(), cipher(sync)).add(shop.domain(), issued.path("accessToken").asText(), shop.adminUrl(), true,
                    ShopCredentials.TokenKind.EXPIRING, issued.path("refreshToken").asText(),
                    OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(3));
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            int before = grants(control, shop);
            // several lifetimes pass while polling keeps calling the shop
            await().atMost(Duration.ofSeconds(30)).until(() -> grants(control, shop) >= before + 3);
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/orders/create", "{\"count\":3}");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain())));
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops WHERE status = 'INSTALLED'")).isEqualTo(1);
            String storedRefresh = new Accounts(sync.db(), cipher(sync)).credentials(shop.domain()).orElseThrow().refreshToken();
            assertThat(storedRefresh).as("the rotated refresh token was stored").isNotEqualTo(issued.path("refreshToken").asText());
        }
    }

    @BothDatabases
    void aClientCredentialsShopGetsAndRenewsItsToken(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(62); SyncHarness sync = harness(dialect).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/token/expiring", "{\"expiresInSeconds\":3}");
            Accounts accounts = new Accounts(sync.db(), cipher(sync));
            ShopCredentials granted = new TokenRefresher(accounts, ShopifyEmulator.CLIENT_ID, SECRET, Duration.ofSeconds(1),
                    Clock.systemUTC()).requestToken(new ShopCredentials(ShopDomain.parse(shop.domain()), shop.adminUrl(), "", "INSTALLED",
                    ShopCredentials.TokenKind.CLIENT_CREDENTIALS, null, null));
            accounts.add(shop.domain(), granted.accessToken(), shop.adminUrl(), true, ShopCredentials.TokenKind.CLIENT_CREDENTIALS, null,
                    granted.expiresAt());
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
            int before = grants(control, shop);
            await().atMost(Duration.ofSeconds(30)).until(() -> grants(control, shop) >= before + 2);
            assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
        }
    }

    @BothDatabases
    void aTokenThatStaysRefusedMarksTheShopAuthFailedWithoutARetryStormAndOtherShopsCarryOn(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(63, 2); SyncHarness sync = harness(dialect).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatedShop other = emu.shops().get(1);
            sync.register(other);
            EmulatorControl control = new EmulatorControl(emu);
            JsonNode issued = control.call("POST", "/_emulator/shops/" + shop.domain() + "/token/expiring", "{\"expiresInSeconds\":3600}");
            new Accounts(sync.db(), cipher(sync)).add(shop.domain(), issued.path("accessToken").asText(), shop.adminUrl(), true,
                    ShopCredentials.TokenKind.EXPIRING, issued.path("refreshToken").asText(),
                    OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(3600));
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()) && sync.allIncremental(other.domain()));

            // the merchant removes the app without us hearing of it: tokens refused, refresh refused
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/uninstall", "{\"redactDelayMs\":100000000}");
            await().atMost(Duration.ofSeconds(20)).until(() -> sync.count(
                    "SELECT COUNT(*) FROM shopify.shops WHERE status = 'AUTH_FAILED'") == 1);
            // paused: once calls already in flight have ended, nothing is sent and no refresh is tried for 2.5 s
            // (five poll intervals)
            java.util.concurrent.atomic.AtomicReference<String> last = new java.util.concurrent.atomic.AtomicReference<>("");
            await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(10)).until(() -> {
                String now = control.call("GET", "/_emulator/shops/" + shop.domain(), null).path("requests").asInt()
                        + "/" + grants(control, shop);
                return now.equals(last.getAndSet(now));
            });
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.dead_letters WHERE reason LIKE '%refused%'")).isPositive();
            // the other shop is untouched and keeps syncing
            control.call("POST", "/_emulator/shops/" + other.domain() + "/customers/create", "{\"count\":2}");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    sync.databaseDigest(other.domain()).equals(SyncHarness.emulatorDigest(emu, other.domain())));
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops WHERE status = 'INSTALLED'")).isEqualTo(1);
        }
    }

    /** Shopify's token exchange of a non-expiring offline token, answered to nobody (a migration whose answer was lost). */
    private static JsonNode exchangeAndLoseTheAnswer(EmulatedShop shop) throws Exception {
        String form = "client_id=" + ShopifyEmulator.CLIENT_ID + "&client_secret=" + SECRET
                + "&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=" + shop.accessToken()
                + "&subject_token_type=urn%3Ashopify%3Aparams%3Aoauth%3Atoken-type%3Aoffline-access-token"
                + "&requested_token_type=urn%3Ashopify%3Aparams%3Aoauth%3Atoken-type%3Aoffline-access-token&expiring=1";
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(shop.adminUrl() + "/admin/oauth/access_token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    @BothDatabases
    void nonExpiringTokensAreMigratedBeforeShopifyRefusesThemEvenWhenAnExchangeAnswerWasLost(Dialect dialect) throws Exception {
        try (ShopifyEmulator emu = emulator(64, 2); SyncHarness sync = harness(dialect).start()) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatedShop lost = emu.shops().get(1);
            EmulatorControl control = new EmulatorControl(emu);
            sync.register(shop);
            sync.register(lost);
            await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()) && sync.allIncremental(lost.domain()));
            Accounts accounts = new Accounts(sync.db(), cipher(sync));
            TokenRefresher migrator = new TokenRefresher(accounts, ShopifyEmulator.CLIENT_ID, SECRET, Duration.ofSeconds(1), Clock.systemUTC());

            // what `accounts migrate-token` does, from another process while this instance keeps polling
            ShopCredentials migrated = migrator.migrateToExpiring(accounts.credentials(shop.domain()).orElseThrow());
            assertThat(migrated.kind()).isEqualTo(ShopCredentials.TokenKind.EXPIRING);
            assertThat(accounts.credentials(shop.domain()).orElseThrow().refreshToken()).isEqualTo(migrated.refreshToken());

            // an exchange whose answer never arrived: Shopify refuses the stored token, so this instance marks the shop AUTH_FAILED
            String staticToken = lost.accessToken();
            JsonNode pair = exchangeAndLoseTheAnswer(lost);
            await().atMost(Duration.ofSeconds(20)).until(() -> sync.count(
                    "SELECT COUNT(*) FROM shopify.shops WHERE status = 'AUTH_FAILED'") == 1);
            // running the migration again with the stored (old) token recovers the same pair, and the shop is usable again
            ShopCredentials recovered = migrator.migrateToExpiring(accounts.credentials(lost.domain()).orElseThrow());
            assertThat(recovered.accessToken()).isEqualTo(pair.path("access_token").asText()).isNotEqualTo(staticToken);
            assertThat(recovered.refreshToken()).isEqualTo(pair.path("refresh_token").asText());

            // 2027-01-01: non-expiring tokens are refused; both shops keep syncing on their expiring tokens
            control.call("PUT", "/_emulator/settings", "{\"rejectNonExpiringTokens\":true}");
            control.call("POST", "/_emulator/shops/" + shop.domain() + "/orders/create", "{\"count\":2}");
            control.call("POST", "/_emulator/shops/" + lost.domain() + "/customers/create", "{\"count\":2}");
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    sync.databaseDigest(shop.domain()).equals(SyncHarness.emulatorDigest(emu, shop.domain()))
                            && sync.databaseDigest(lost.domain()).equals(SyncHarness.emulatorDigest(emu, lost.domain())));
            assertThat(sync.count("SELECT COUNT(*) FROM shopify.shops WHERE status = 'INSTALLED' AND token_kind = 'EXPIRING'")).isEqualTo(2);
            assertThatThrownBy(() -> migrator.migrateToExpiring(accounts.credentials(shop.domain()).orElseThrow()))
                    .hasMessageContaining("holds no non-expiring token");
        }
    }

    private static TokenCipher cipher(SyncHarness sync) {
        return sync.cipher();
    }
}
