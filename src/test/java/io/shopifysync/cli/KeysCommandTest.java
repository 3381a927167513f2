package io.shopifysync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.accounts.Accounts;
import io.shopifysync.accounts.MasterKey;
import io.shopifysync.accounts.TokenCipher;
import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.CliProcess;
import io.shopifysync.testing.TestDatabase;
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
}
