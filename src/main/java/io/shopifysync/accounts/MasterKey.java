package io.shopifysync.accounts;

import io.shopifysync.config.AppConfig;
import io.shopifysync.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key that encrypts stored tokens: {@code SHOPIFY_SYNC_MASTER_KEY} (base64 of 32 bytes) or,
 * when unset, {@code master.key} in the data directory, generated on first use with owner-only permissions.
 */
public final class MasterKey {

    public static final String CONFIG_KEY = "shopify.sync.master.key";
    public static final String PREVIOUS_CONFIG_KEY = "shopify.sync.master.key.previous";
    public static final String KEY_FILE = "master.key";
    public static final String PREVIOUS_KEY_FILE = "master.key.previous";

    private final SecretKey key;
    private final String id;

    private MasterKey(byte[] raw) {
        this.key = new SecretKeySpec(raw, "AES");
        this.id = fingerprint(raw);
    }

    public static MasterKey load(AppConfig config) {
        return config.get(CONFIG_KEY)
                .map(MasterKey::fromBase64)
                .orElseGet(() -> fromFile(config.dataDir().resolve(KEY_FILE)));
    }

    /** The key being rotated out, still able to decrypt tokens not yet re-encrypted (none after a finished rotation). */
    public static java.util.Optional<MasterKey> loadPrevious(AppConfig config) {
        java.util.Optional<MasterKey> fromConfig = config.get(PREVIOUS_CONFIG_KEY).map(MasterKey::fromBase64);
        if (fromConfig.isPresent()) {
            return fromConfig;
        }
        Path file = config.dataDir().resolve(PREVIOUS_KEY_FILE);
        return Files.exists(file) ? java.util.Optional.of(fromFile(file)) : java.util.Optional.empty();
    }

    public static MasterKey generate() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return new MasterKey(raw);
    }

    /** Writes this key to {@code file} (rw-------), replacing it atomically. */
    public void writeTo(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".master", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, base64().getBytes(StandardCharsets.US_ASCII), StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write key file " + file, e);
        }
    }

    /** The key as SHOPIFY_SYNC_MASTER_KEY takes it; only for the operator who rotates it. */
    public String base64() {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static MasterKey fromBase64(String encoded) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(encoded.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("SHOPIFY_SYNC_MASTER_KEY is not valid base64");
        }
        if (raw.length != 32) {
            throw new ConfigException("SHOPIFY_SYNC_MASTER_KEY must decode to 32 bytes, got " + raw.length
                    + " (generate one with: openssl rand -base64 32)");
        }
        return new MasterKey(raw);
    }

    /** Reads the key file, creating it atomically (rw-------) when absent so concurrent first runs agree. */
    public static MasterKey fromFile(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                byte[] raw = new byte[32];
                new SecureRandom().nextBytes(raw);
                Path tmp = Files.createTempFile(file.getParent(), ".master", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(tmp, Base64.getEncoder().encode(raw), StandardOpenOption.TRUNCATE_EXISTING);
                try {
                    Files.createLink(file, tmp);
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: use theirs
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return fromBase64(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create master key file " + file, e);
        } catch (ConfigException e) {
            throw new ConfigException("master key file " + file + " is corrupt: " + e.getMessage());
        }
    }

    /** Reads an existing key file, never creating one (a running instance re-reading keys after a rotation). */
    public static MasterKey readFile(Path file) {
        try {
            return fromBase64(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read master key file " + file, e);
        } catch (ConfigException e) {
            throw new ConfigException("master key file " + file + " is corrupt: " + e.getMessage());
        }
    }

    private static String fingerprint(byte[] raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    SecretKey secretKey() {
        return key;
    }

    /** A short, non-secret fingerprint stored beside each ciphertext, so a wrong key is named, not guessed. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return "MasterKey[" + id + "]";
    }
}
