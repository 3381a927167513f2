package io.shopifysync.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.TestDatabase;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

class AccountsTest {

    private static TokenCipher cipher() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return new TokenCipher(MasterKey.fromBase64(Base64.getEncoder().encodeToString(raw)));
    }

    @BothDatabases
    void addThenListRoundTripsWhileTheStoredTokenIsNotThePlaintext(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Accounts accounts = new Accounts(db, cipher());
            assertThat(accounts.add("Acme.myshopify.com", "shpat_plain_token", null)).isEqualTo(Accounts.AddOutcome.ADDED);

            List<Account> listed = accounts.list();
            assertThat(listed).singleElement().satisfies(a -> {
                assertThat(a.shopDomain()).isEqualTo("acme.myshopify.com");
                assertThat(a.apiUrl()).isEqualTo("https://acme.myshopify.com");
                assertThat(a.status()).isEqualTo("INSTALLED");
                assertThat(a.toString()).doesNotContain("shpat_plain_token");
            });
            assertThat(storedTokens(db)).singleElement().asString()
                    .doesNotContain("shpat_plain_token").startsWith("v1:");
            assertThat(accounts.credentials("acme.myshopify.com")).get()
                    .satisfies(c -> assertThat(c.accessToken()).isEqualTo("shpat_plain_token"))
                    .satisfies(c -> assertThat(c.toString()).doesNotContain("shpat_plain_token"));
        }
    }

    @BothDatabases
    void addingAnExistingShopUpdatesItsOneRow(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Accounts accounts = new Accounts(db, cipher());
            accounts.add("acme.myshopify.com", "first", null);
            assertThat(accounts.add("ACME.myshopify.com", "second", "http://127.0.0.1:9393/shops/acme.myshopify.com/", true))
                    .isEqualTo(Accounts.AddOutcome.UPDATED);
            assertThat(accounts.list()).singleElement()
                    .satisfies(a -> assertThat(a.apiUrl()).isEqualTo("http://127.0.0.1:9393/shops/acme.myshopify.com"));
            assertThat(accounts.credentials("acme.myshopify.com").orElseThrow().accessToken()).isEqualTo("second");
        }
    }

    @BothDatabases
    void badInputIsRefusedAndNothingIsWritten(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Accounts accounts = new Accounts(db, cipher());
            assertThatThrownBy(() -> accounts.add("acme.com", "t", null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("invalid shop domain");
            assertThatThrownBy(() -> accounts.add("acme.myshopify.com", "  ", null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("missing access token");
            assertThatThrownBy(() -> accounts.add("acme.myshopify.com", "has space", null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("invalid access token");
            assertThatThrownBy(() -> accounts.add("acme.myshopify.com", "t", "ftp://x"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("invalid API URL");
            assertThat(accounts.list()).isEmpty();
            assertThat(storedTokens(db)).isEmpty();
        }
    }

    @BothDatabases
    void onlyTheShopsOwnHttpsUrlIsAcceptedWithoutTheInsecureFlag(Dialect dialect) throws Exception {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Accounts accounts = new Accounts(db, cipher());
            for (String url : List.of("http://169.254.169.254", "http://169.254.169.254/latest/meta-data", "http://127.0.0.1:5432",
                    "http://127.0.0.1:9876/observe/jolokia", "https://evil.example.com", "https://a.myshopify.com.evil.example.com",
                    "http://a.myshopify.com", "https://a.myshopify.com:8443", "https://a.myshopify.com/shops/a.myshopify.com",
                    "https://b.myshopify.com")) {
                assertThatThrownBy(() -> accounts.add("a.myshopify.com", "shpat_t", url)).as(url)
                        .isInstanceOf(InvalidInputException.class).hasMessageContaining("refused API URL")
                        .hasMessageContaining("--allow-insecure-api-url").hasMessageNotContaining("shpat_t");
            }
            for (String url : List.of("https://user@a.myshopify.com", "https://user:pw@a.myshopify.com", "file:///etc/passwd",
                    "https://a.myshopify.com?x=1", "gopher://a.myshopify.com")) {
                assertThatThrownBy(() -> accounts.add("a.myshopify.com", "shpat_t", url)).as(url)
                        .isInstanceOf(InvalidInputException.class).hasMessageContaining("API URL");
                assertThatThrownBy(() -> accounts.add("a.myshopify.com", "shpat_t", url, true)).as(url + " even with the flag")
                        .isInstanceOf(InvalidInputException.class).hasMessageContaining("invalid API URL");
            }
            assertThat(accounts.list()).isEmpty();
            assertThat(storedTokens(db)).isEmpty();

            for (String url : List.of("https://a.myshopify.com", "https://A.myshopify.com/", "https://a.myshopify.com:443")) {
                accounts.add("a.myshopify.com", "shpat_t", url);
            }
            for (String url : List.of("http://169.254.169.254", "http://127.0.0.1:5432", "https://evil.example.com")) {
                accounts.add("a.myshopify.com", "shpat_t", url, true);
                assertThat(accounts.list()).singleElement().satisfies(a -> assertThat(a.apiUrl()).isEqualTo(url));
            }
        }
    }

    @BothDatabases
    void removeForgetsTheShop(Dialect dialect) {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            Accounts accounts = new Accounts(db, cipher());
            accounts.add("a.myshopify.com", "t1", null);
            accounts.add("b.myshopify.com", "t2", null);
            assertThat(accounts.remove("A.myshopify.com")).isTrue();
            assertThat(accounts.remove("a.myshopify.com")).isFalse();
            assertThat(accounts.list()).extracting(Account::shopDomain).containsExactly("b.myshopify.com");
            assertThat(accounts.credentials("a.myshopify.com")).isEmpty();
        }
    }

    @BothDatabases
    void aTokenStoredUnderAnotherKeyIsReportedNotGuessed(Dialect dialect) {
        try (TestDatabase tdb = TestDatabase.create(dialect); Database db = tdb.open()) {
            new Accounts(db, cipher()).add("a.myshopify.com", "t1", null);
            assertThatThrownBy(() -> new Accounts(db, cipher()).credentials("a.myshopify.com"))
                    .isInstanceOf(TokenCipher.TokenDecryptionException.class)
                    .hasMessageContaining("encrypted under master key");
        }
    }

    private static List<String> storedTokens(Database db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT access_token_enc FROM shopify.shops")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
