package io.shopifysync.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies {@code X-Shopify-Hmac-Sha256}: base64 HMAC-SHA256 of the raw body under the app's client secret,
 * compared in constant time, accepting the current and the previous secret while one is rotated out.
 */
public final class WebhookSignature {

    private final List<byte[]> secrets;
    /** One initialised Mac per secret and thread: looking one up and keying it cost more than the hash of a body. */
    private final ThreadLocal<List<Mac>> macs;

    public WebhookSignature(String current, String previous) {
        this.secrets = java.util.stream.Stream.of(current, previous)
                .filter(s -> s != null && !s.isBlank())
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.macs = ThreadLocal.withInitial(() -> secrets.stream().map(WebhookSignature::keyed).toList());
    }

    public boolean configured() {
        return !secrets.isEmpty();
    }

    public boolean verify(byte[] body, String headerValue) {
        if (headerValue == null || headerValue.isBlank()) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(headerValue.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean ok = false;
        for (Mac mac : macs.get()) {
            // doFinal leaves the Mac keyed and reset for the next body; no early exit: same work for every secret
            ok |= MessageDigest.isEqual(mac.doFinal(body), presented);
        }
        return ok;
    }

    static byte[] hmac(byte[] secret, byte[] body) {
        return keyed(secret).doFinal(body);
    }

    private static Mac keyed(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // an empty secret is legal in HMAC (a zero-length key): Shopify test fixtures use one
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(String secret, byte[] body) {
        return Base64.getEncoder().encodeToString(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }
}
