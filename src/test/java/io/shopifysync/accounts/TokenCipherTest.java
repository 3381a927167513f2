package io.shopifysync.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopifysync.config.AppConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCipherTest {

    private static MasterKey randomKey() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return MasterKey.fromBase64(Base64.getEncoder().encodeToString(raw));
    }

    private final MasterKey key = randomKey();
    private final TokenCipher cipher = new TokenCipher(key);
    private final ShopDomain acme = ShopDomain.parse("acme.myshopify.com");

    @Test
    void roundTripsAndNeverContainsThePlaintext() {
        String sealed = cipher.encrypt("shpat_secret123", acme);
        assertThat(sealed).startsWith("v1:").doesNotContain("shpat_secret123");
        assertThat(cipher.decrypt(sealed, acme, key.id())).isEqualTo("shpat_secret123");
    }

    @Test
    void freshNonceEveryTime() {
        assertThat(cipher.encrypt("t", acme)).isNotEqualTo(cipher.encrypt("t", acme));
    }

    @Test
    void ciphertextIsBoundToItsShop() {
        String sealed = cipher.encrypt("shpat_secret123", acme);
        assertThatThrownBy(() -> cipher.decrypt(sealed, ShopDomain.parse("other.myshopify.com"), key.id()))
                .isInstanceOf(TokenCipher.TokenDecryptionException.class)
                .hasMessageNotContaining("shpat_secret123");
    }

    @Test
    void tamperingIsDetected() {
        String sealed = cipher.encrypt("shpat_secret123", acme);
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(3));
        bytes[bytes.length - 1] ^= 1;
        String tampered = "v1:" + Base64.getEncoder().encodeToString(bytes);
        assertThatThrownBy(() -> cipher.decrypt(tampered, acme, key.id()))
                .isInstanceOf(TokenCipher.TokenDecryptionException.class).hasMessageContaining("failed authentication");
    }

    @Test
    void aWrongMasterKeyIsNamed() {
        String sealed = cipher.encrypt("shpat_secret123", acme);
        MasterKey other = randomKey();
        assertThatThrownBy(() -> new TokenCipher(other).decrypt(sealed, acme, key.id()))
                .isInstanceOf(TokenCipher.TokenDecryptionException.class)
                .hasMessageContaining(key.id()).hasMessageContaining(other.id());
    }

    private static AppConfig configWithDataDir(Path dir, Map<String, String> more) {
        Map<String, String> values = new HashMap<>(more);
        values.put("shopify.sync.data.dir", dir.toString());
        return AppConfig.load(dir, Map.of(), new Properties()).with(values);
    }

    @Test
    void aRunningCipherReadsTheKeysThatKeysRotateWroteInAnotherProcess(@TempDir Path dir) {
        TokenCipher running = TokenCipher.forConfig(configWithDataDir(dir, Map.of()));
        MasterKey old = MasterKey.fromFile(dir.resolve(MasterKey.KEY_FILE));
        String sealedOld = running.encrypt("shpat_before", acme);
        // what keys rotate does: the old key kept as master.key.previous, a new master.key, tokens re-encrypted
        old.writeTo(dir.resolve(MasterKey.PREVIOUS_KEY_FILE));
        MasterKey next = MasterKey.generate();
        next.writeTo(dir.resolve(MasterKey.KEY_FILE));
        String sealedNew = new TokenCipher(next).encrypt("shpat_after", acme);

        assertThat(running.decrypt(sealedNew, acme, next.id())).isEqualTo("shpat_after");
        assertThat(running.decrypt(sealedOld, acme, old.id())).isEqualTo("shpat_before");
        assertThat(running.keyId()).as("new tokens are encrypted under the new key").isEqualTo(next.id());
        assertThat(new TokenCipher(next).decrypt(running.encrypt("shpat_refreshed", acme), acme, next.id()))
                .isEqualTo("shpat_refreshed");
    }

    @Test
    void anUnknownKeyIsNamedAndTheKeyFilesAreReReadAtMostOncePerInterval() {
        AtomicInteger reads = new AtomicInteger();
        AtomicLong now = new AtomicLong(1_000);
        MasterKey previous = randomKey();
        TokenCipher running = new TokenCipher(new TokenCipher.Keys(key, previous), () -> {
            reads.incrementAndGet();
            return new TokenCipher.Keys(key, previous);
        }, "/data/master.key", now::get);
        String sealed = cipher.encrypt("shpat_secret123", acme);

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> running.decrypt(sealed, acme, "0badc0de"))
                    .isInstanceOf(TokenCipher.TokenDecryptionException.class)
                    .hasMessageContaining("0badc0de").hasMessageContaining(key.id()).hasMessageContaining(previous.id())
                    .hasMessageContaining("re-reading /data/master.key")
                    .hasMessageNotContaining(key.base64()).hasMessageNotContaining("shpat_secret123");
        }
        assertThat(reads).as("re-read once, not once per token").hasValue(1);
        now.addAndGet(TokenCipher.RELOAD_INTERVAL.toNanos());
        assertThatThrownBy(() -> running.decrypt(sealed, acme, "0badc0de")).isInstanceOf(TokenCipher.TokenDecryptionException.class);
        assertThat(reads).hasValue(2);
        // a known key never touches the files
        assertThat(running.decrypt(sealed, acme, key.id())).isEqualTo("shpat_secret123");
        assertThat(reads).hasValue(2);
    }

    @Test
    void aTokenStoredBesideTheOtherHeldKeysIdStillDecrypts() {
        // Accounts stores encrypt() and keyId() from two calls: a re-read between them pairs a token with the new key's id
        MasterKey previous = randomKey();
        TokenCipher running = new TokenCipher(key, previous);
        assertThat(running.decrypt(new TokenCipher(previous).encrypt("shpat_old", acme), acme, key.id())).isEqualTo("shpat_old");
        assertThat(running.decrypt(cipher.encrypt("shpat_new", acme), acme, previous.id())).isEqualTo("shpat_new");
        String otherShops = cipher.encrypt("shpat_new", ShopDomain.parse("other.myshopify.com"));
        assertThatThrownBy(() -> running.decrypt(otherShops, acme, previous.id()))
                .isInstanceOf(TokenCipher.TokenDecryptionException.class).hasMessageContaining("failed authentication");
    }

    @Test
    void keysFromTheEnvironmentAreNotReReadAndTheErrorSaysToRestart(@TempDir Path dir) {
        MasterKey fromEnv = randomKey();
        TokenCipher running = TokenCipher.forConfig(configWithDataDir(dir, Map.of(MasterKey.CONFIG_KEY, fromEnv.base64())));
        MasterKey next = randomKey();
        next.writeTo(dir.resolve(MasterKey.KEY_FILE)); // a key file is not what this instance was configured with
        String sealed = new TokenCipher(next).encrypt("shpat_x", acme);
        assertThatThrownBy(() -> running.decrypt(sealed, acme, next.id()))
                .isInstanceOf(TokenCipher.TokenDecryptionException.class)
                .hasMessageContaining(next.id()).hasMessageContaining("restart").hasMessageNotContaining(next.base64());
    }
}
