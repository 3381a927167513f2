package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopifysync.testing.Fixtures;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The test suite's own Shopify HMAC implementation (javax.crypto), checked against every vector in
 * {@code src/test/resources/fixtures/shopify/hmac-vectors.json}. The webhook integration tests verify the
 * emulator's X-Shopify-Hmac-Sha256 headers with {@link #sign}.
 */
class WebhookHmacTest {

    /** The real Shopify samples (src/test/resources/fixtures/shopify). */
    static Path fixtures() {
        return Fixtures.dir();
    }

    static JsonNode readFixture(String relative) {
        try {
            return GraphqlClient.JSON.readTree(fixtures().resolve(relative).toFile());
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot read fixture " + relative, e);
        }
    }

    /** Raw HMAC-SHA256. An empty secret is legal in HMAC (RFC 2104) but rejected by SecretKeySpec:
     *  keys shorter than the block are zero-padded, so the empty key equals the one-zero-byte key. */
    static byte[] hmacSha256(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** X-Shopify-Hmac-Sha256 value: base64(HMAC-SHA256(secret UTF-8, raw body bytes)). */
    static String sign(String secret, byte[] rawBody) {
        return Base64.getEncoder().encodeToString(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), rawBody));
    }

    /** Constant-time check of a received header against the raw body. */
    static boolean verify(String secret, byte[] rawBody, String header) {
        if (header == null) return false;
        byte[] got;
        try {
            got = Base64.getDecoder().decode(header);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), rawBody), got);
    }

    /** RFC 2104 built from SHA-256 directly, to cross-check the javax.crypto path (incl. the empty key). */
    static byte[] rfc2104(byte[] key, byte[] message) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] k = key.length > 64 ? sha.digest(key) : key;
        byte[] block = new byte[64];
        System.arraycopy(k, 0, block, 0, k.length);
        byte[] ipad = new byte[64];
        byte[] opad = new byte[64];
        for (int i = 0; i < 64; i++) {
            ipad[i] = (byte) (block[i] ^ 0x36);
            opad[i] = (byte) (block[i] ^ 0x5c);
        }
        sha.reset();
        sha.update(ipad);
        byte[] inner = sha.digest(message);
        sha.reset();
        sha.update(opad);
        return sha.digest(inner);
    }

    @Test
    void everyWebhookVectorVerifiesExactlyAsRecorded() throws Exception {
        JsonNode vectors = readFixture("hmac-vectors.json").path("webhook");
        assertThat(vectors.size()).as("webhook vectors in the file").isGreaterThanOrEqualTo(4);
        int valid = 0, invalid = 0;
        for (JsonNode v : vectors) {
            String name = v.path("name").asText();
            String secret = v.path("secret").asText();
            byte[] body = v.path("raw_body").asText().getBytes(StandardCharsets.UTF_8);
            String expected = v.path("expected_base64").asText();
            boolean shouldVerify = v.path("valid").asBoolean();
            assertThat(verify(secret, body, expected)).as(name).isEqualTo(shouldVerify);
            if (shouldVerify) {
                assertThat(sign(secret, body)).as(name).isEqualTo(expected);
                valid++;
            } else {
                assertThat(sign(secret, body)).as(name).isNotEqualTo(expected);
                if (v.has("computed_hex_in_source")) {
                    assertThat(HexFormat.of().formatHex(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body)))
                            .as(name + " hex of the tampered body").isEqualTo(v.path("computed_hex_in_source").asText());
                }
                invalid++;
            }
            assertThat(rfc2104(secret.getBytes(StandardCharsets.UTF_8), body))
                    .as(name + ": javax.crypto and RFC 2104 agree")
                    .isEqualTo(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body));
        }
        assertThat(valid).isGreaterThanOrEqualTo(3);
        assertThat(invalid).isGreaterThanOrEqualTo(1);
    }

    @Test
    void goShopifyVectorSignsTheJsonStringLiteralNotTheBareText() {
        JsonNode v = findVector("webhook", "go-shopify-verify-webhook");
        String raw = v.path("raw_body").asText();
        assertThat(raw).startsWith("\"").endsWith("\"").hasSize(19);
        String unquoted = raw.substring(1, raw.length() - 1);
        assertThat(verify("hush", unquoted.getBytes(StandardCharsets.UTF_8), v.path("expected_base64").asText())).isFalse();
    }

    @Test
    void laravelVectorIsTheFull3866ByteBodyWithAnEmptySecret() {
        JsonNode v = findVector("webhook", "laravel-shopify-orders-create-fixture-empty-secret");
        assertThat(v.path("secret").asText()).isEmpty();
        assertThat(v.path("raw_body").asText().getBytes(StandardCharsets.UTF_8)).hasSize(3866);
        // one changed byte breaks it
        byte[] tampered = v.path("raw_body").asText().replaceFirst("jon@doe.ca", "jon@doe.cb").getBytes(StandardCharsets.UTF_8);
        assertThat(verify("", tampered, v.path("expected_base64").asText())).isFalse();
    }

    @Test
    void oauthAndAppProxyVectors() {
        JsonNode vectors = readFixture("hmac-vectors.json").path("oauth_and_app_proxy");
        assertThat(vectors.size()).isGreaterThanOrEqualTo(3);
        for (JsonNode v : vectors) {
            String name = v.path("name").asText();
            String kind = v.path("kind").asText();
            String message = switch (kind) {
                case "oauth_query_hex" -> oauthMessage(v.path("query").asText());
                case "app_proxy_hex" -> appProxyMessage(v.path("query").asText());
                default -> throw new AssertionError("unknown vector kind " + kind + " in " + name);
            };
            assertThat(message).as(name + " signed message").isEqualTo(v.path("signed_message").asText());
            String hex = HexFormat.of().formatHex(hmacSha256(v.path("secret").asText().getBytes(StandardCharsets.UTF_8),
                    message.getBytes(StandardCharsets.UTF_8)));
            assertThat(hex.equals(v.path("expected_hex").asText())).as(name).isEqualTo(v.path("valid").asBoolean());
        }
    }

    /** OAuth callback: drop hmac and signature, sort by key, join k=v with '&'. */
    static String oauthMessage(String query) {
        TreeMap<String, String> params = new TreeMap<>();
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            String k = kv.substring(0, eq);
            if (k.equals("hmac") || k.equals("signature")) continue;
            params.put(k, kv.substring(eq + 1));
        }
        List<String> parts = new ArrayList<>();
        params.forEach((k, val) -> parts.add(k + "=" + val));
        return String.join("&", parts);
    }

    /** App proxy: drop signature, URL-decode, join repeated values with ',', sort, concatenate k=v. */
    static String appProxyMessage(String query) {
        Map<String, List<String>> params = new TreeMap<>();
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals("signature")) continue;
            params.computeIfAbsent(k, x -> new ArrayList<>()).add(URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        StringBuilder sb = new StringBuilder();
        params.forEach((k, vals) -> sb.append(k).append('=').append(String.join(",", vals)));
        return sb.toString();
    }

    private static JsonNode findVector(String group, String name) {
        for (JsonNode v : readFixture("hmac-vectors.json").path(group)) {
            if (name.equals(v.path("name").asText())) return v;
        }
        throw new AssertionError("vector " + name + " missing from hmac-vectors.json");
    }
}
