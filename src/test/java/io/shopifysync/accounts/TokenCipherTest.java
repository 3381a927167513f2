package io.shopifysync.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

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
}
