package io.shopifysync.accounts;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AES-256-GCM for stored tokens. The shop domain is the associated data, so a ciphertext copied to
 * another shop's row does not decrypt. Format: {@code v1:} + base64(12-byte nonce ‖ ciphertext ‖ tag).
 * <p>
 * With the key file (no {@code SHOPIFY_SYNC_MASTER_KEY}), a ciphertext under a key id this instance does not hold
 * makes it re-read {@code master.key} and {@code master.key.previous} (at most once per {@link #RELOAD_INTERVAL}) and
 * retry: {@code keys rotate} run in another process re-encrypts the tokens under a new key, and a running instance
 * must go on reading them. Keys from the environment cannot change under a running process: after a rotation
 * there, instances are restarted with the new environment.
 */
public final class TokenCipher {

    private static final Logger LOG = LoggerFactory.getLogger(TokenCipher.class);
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** However many tokens name an unknown key, the key files are read at most this often. */
    static final Duration RELOAD_INTERVAL = Duration.ofSeconds(1);

    /** The key that encrypts, and the one being rotated out that still decrypts (may be null). */
    record Keys(MasterKey current, MasterKey previous) {
        MasterKey find(String id) {
            if (current.id().equals(id)) {
                return current;
            }
            return previous != null && previous.id().equals(id) ? previous : null;
        }

        String describe() {
            return current.id() + (previous == null ? "" : " and " + previous.id());
        }
    }

    private volatile Keys keys;
    private final Supplier<Keys> reload; // null: the keys are fixed (environment, tests)
    private final String reloadSource;
    private final LongSupplier nanoTime;
    private final Object reloadLock = new Object();
    private long lastReload;
    private boolean reloadedOnce;
    private final SecureRandom random = new SecureRandom();

    public TokenCipher(MasterKey key) {
        this(key, null);
    }

    /** With the key being rotated out, which still decrypts (never encrypts) tokens stored under it. */
    public TokenCipher(MasterKey key, MasterKey previous) {
        this(new Keys(key, previous), null, null, System::nanoTime);
    }

    TokenCipher(Keys keys, Supplier<Keys> reload, String reloadSource, LongSupplier nanoTime) {
        this.keys = keys;
        this.reload = reload;
        this.reloadSource = reloadSource;
        this.nanoTime = nanoTime;
    }

    /** The configured master key, plus the one being rotated out if there is one; key files are re-read after a rotation. */
    public static TokenCipher forConfig(io.shopifysync.config.AppConfig config) {
        MasterKey current = MasterKey.load(config);
        MasterKey previous = MasterKey.loadPrevious(config).orElse(null);
        if (config.get(MasterKey.CONFIG_KEY).isPresent()) {
            return new TokenCipher(current, previous);
        }
        return forKeyFiles(new Keys(current, previous), config, System::nanoTime);
    }

    static TokenCipher forKeyFiles(Keys initial, io.shopifysync.config.AppConfig config, LongSupplier nanoTime) {
        Path file = config.dataDir().resolve(MasterKey.KEY_FILE);
        return new TokenCipher(initial, () -> new Keys(MasterKey.readFile(file), MasterKey.loadPrevious(config).orElse(null)),
                file + " (and " + MasterKey.PREVIOUS_KEY_FILE + ")", nanoTime);
    }

    public String keyId() {
        return keys.current().id();
    }

    public String encrypt(String plaintext, ShopDomain shop) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.current().secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(shop.value().getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    public String decrypt(String stored, ShopDomain shop, String storedKeyId) {
        MasterKey key = keyFor(storedKeyId, shop);
        if (stored == null || !stored.startsWith(PREFIX)) {
            throw new TokenDecryptionException("the stored token of " + shop + " is not in a known format");
        }
        byte[] all;
        try {
            all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new TokenDecryptionException("the stored token of " + shop + " failed authentication (tampered, or another shop's)");
        }
        try {
            return open(all, key, shop);
        } catch (AEADBadTagException e) {
            // encrypt() and keyId() are two calls: a re-read between them stores the other held key's id beside the token
            Keys held = keys;
            for (MasterKey other : new MasterKey[] {held.current(), held.previous()}) {
                if (other != null && other != key) {
                    try {
                        return open(all, other, shop);
                    } catch (AEADBadTagException stillWrong) {
                        // tampered, or another shop's: reported below
                    }
                }
            }
            throw new TokenDecryptionException("the stored token of " + shop + " failed authentication (tampered, or another shop's)");
        }
    }

    private static String open(byte[] all, MasterKey key, ShopDomain shop) throws AEADBadTagException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(shop.value().getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new AEADBadTagException("truncated"); // shorter than a nonce and a tag: treated as tampered
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** The key a token was stored under: one held, or one found by re-reading the key files (rate-limited). */
    private MasterKey keyFor(String storedKeyId, ShopDomain shop) {
        Keys held = keys;
        MasterKey key = held.find(storedKeyId);
        if (key != null) {
            return key;
        }
        String reloadFailure = null;
        if (reload != null) {
            synchronized (reloadLock) {
                held = keys;
                key = held.find(storedKeyId); // another thread may have re-read them meanwhile
                long now = nanoTime.getAsLong();
                if (key == null && (!reloadedOnce || now - lastReload >= RELOAD_INTERVAL.toNanos())) {
                    reloadedOnce = true;
                    lastReload = now;
                    try {
                        Keys read = reload.get();
                        if (!read.describe().equals(held.describe())) {
                            LOG.info("master keys re-read from {}: now {} (was {})", reloadSource, read.describe(), held.describe());
                        }
                        keys = read;
                        held = read;
                        key = read.find(storedKeyId);
                    } catch (RuntimeException e) {
                        reloadFailure = e.getMessage(); // names the file, never a key
                    }
                }
            }
        }
        if (key != null) {
            return key;
        }
        throw new TokenDecryptionException("the token of " + shop + " was encrypted under master key " + storedKeyId
                + " but this instance holds only key " + held.describe()
                + (reload == null ? " (keys from SHOPIFY_SYNC_MASTER_KEY[_PREVIOUS]: restart with the key it was encrypted under)"
                : reloadFailure != null ? "; re-reading " + reloadSource + " failed: " + reloadFailure
                : " (also after re-reading " + reloadSource + ")"));
    }

    /** A stored token could not be decrypted; never carries the token itself. */
    public static class TokenDecryptionException extends RuntimeException {
        public TokenDecryptionException(String message) {
            super(message);
        }
    }
}
