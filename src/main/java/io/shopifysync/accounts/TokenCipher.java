package io.shopifysync.accounts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM for stored tokens. The shop domain is the associated data, so a ciphertext copied to
 * another shop's row does not decrypt. Format: {@code v1:} + base64(12-byte nonce ‖ ciphertext ‖ tag).
 */
public final class TokenCipher {

    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final MasterKey key;
    private final MasterKey previous;
    private final SecureRandom random = new SecureRandom();

    public TokenCipher(MasterKey key) {
        this(key, null);
    }

    /** With the key being rotated out, which still decrypts (never encrypts) tokens stored under it. */
    public TokenCipher(MasterKey key, MasterKey previous) {
        this.key = key;
        this.previous = previous;
    }

    /** The configured master key, plus the one being rotated out if there is one. */
    public static TokenCipher forConfig(io.shopifysync.config.AppConfig config) {
        return new TokenCipher(MasterKey.load(config), MasterKey.loadPrevious(config).orElse(null));
    }

    public String keyId() {
        return key.id();
    }

    public String encrypt(String plaintext, ShopDomain shop) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(shop.value().getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    public String decrypt(String stored, ShopDomain shop, String storedKeyId) {
        MasterKey key = previous != null && previous.id().equals(storedKeyId) ? previous : this.key;
        if (!key.id().equals(storedKeyId)) {
            throw new TokenDecryptionException("the token of " + shop + " was encrypted under master key "
                    + storedKeyId + " but the current master key is " + key.id());
        }
        if (stored == null || !stored.startsWith(PREFIX)) {
            throw new TokenDecryptionException("the stored token of " + shop + " is not in a known format");
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(shop.value().getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new TokenDecryptionException("the stored token of " + shop + " failed authentication (tampered, or another shop's)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** A stored token could not be decrypted; never carries the token itself. */
    public static class TokenDecryptionException extends RuntimeException {
        public TokenDecryptionException(String message) {
            super(message);
        }
    }
}
