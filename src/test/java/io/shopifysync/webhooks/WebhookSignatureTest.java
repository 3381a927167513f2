package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import io.shopifysync.testing.Fixtures;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static Path fixtures() {
        return Fixtures.dir();
    }

    @Test
    void everyPublicVectorVerifiesAndTheTamperedOneIsRefused() throws Exception {
        JsonNode vectors = new ObjectMapper().readTree(fixtures().resolve("hmac-vectors.json").toFile()).path("webhook");
        assertThat(vectors.size()).isGreaterThanOrEqualTo(4);
        for (JsonNode v : vectors) {
            byte[] body = v.path("raw_body").asText().getBytes(StandardCharsets.UTF_8);
            String secret = v.path("secret").asText();
            boolean valid = Boolean.parseBoolean(v.path("valid").asText().toLowerCase());
            String expected = v.path("expected_base64").asText();
            if (secret.isEmpty()) {
                assertThat(Base64.getEncoder().encodeToString(WebhookSignature.hmac(new byte[0], body))).as(v.path("name").asText())
                        .isEqualTo(expected);
            } else {
                assertThat(new WebhookSignature(secret, null).verify(body, expected)).as(v.path("name").asText()).isEqualTo(valid);
            }
        }
    }

    @Test
    void acceptsThePreviousSecretDuringRotationAndNothingElse() {
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        WebhookSignature rotating = new WebhookSignature("new-secret", "old-secret");
        assertThat(rotating.verify(body, WebhookSignature.sign("new-secret", body))).isTrue();
        assertThat(rotating.verify(body, WebhookSignature.sign("old-secret", body))).isTrue();
        assertThat(rotating.verify(body, WebhookSignature.sign("other", body))).isFalse();
        assertThat(new WebhookSignature("new-secret", null).verify(body, WebhookSignature.sign("old-secret", body))).isFalse();
    }

    @Test
    void refusesMissingMalformedAndTampered() {
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        WebhookSignature s = new WebhookSignature("k", null);
        String good = WebhookSignature.sign("k", body);
        assertThat(s.verify(body, null)).isFalse();
        assertThat(s.verify(body, "")).isFalse();
        assertThat(s.verify(body, "not base64 !!")).isFalse();
        assertThat(s.verify("{\"id\":2}".getBytes(StandardCharsets.UTF_8), good)).isFalse();
        assertThat(s.verify(body, good)).isTrue();
        assertThat(new WebhookSignature("", " ").configured()).isFalse();
    }

    @Test
    void oneVerifierGivesEachBodyItsOwnAnswerHoweverOftenAndFromHowManyThreads() throws Exception {
        WebhookSignature s = new WebhookSignature("new-secret", "old-secret");
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<Boolean>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                byte[] body = ("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                String signature = WebhookSignature.sign(i % 3 == 0 ? "old-secret" : "new-secret", body);
                // every fourth is checked against another body: the Macs reused per thread must not carry state over
                byte[] checked = i % 4 == 0 ? ("{\"id\":" + (i + 1) + "}").getBytes(StandardCharsets.UTF_8) : body;
                boolean expected = i % 4 != 0;
                answers.add(threads.submit(() -> s.verify(checked, signature) == expected));
            }
            for (java.util.concurrent.Future<Boolean> answer : answers) {
                assertThat(answer.get()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
