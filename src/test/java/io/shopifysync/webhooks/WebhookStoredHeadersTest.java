package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

/** The headers kept with a delivery are the JSON ObjectMapper writes for them, whatever their values hold. */
class WebhookStoredHeadersTest {

    private static final List<String> STORED = List.of("X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version",
            "X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Triggered-At", "X-Shopify-Name");

    @Test
    void writesTheShopifyHeadersPresentInTheirOrderAsObjectMapperDoes() throws Exception {
        List<String> values = List.of("orders/updated", "quote\"d", "back\\slash", "tab\tnew\nline\r", "\u0000\u001f\u007f",
                "é ü 日本 \uD83D\uDE00", "</script>", "");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start(); // its case-insensitive header map, as platform-http messages have
            for (int leftOut = -1; leftOut < STORED.size(); leftOut++) {
                Message m = new DefaultMessage(camel);
                m.setHeader("X-Shopify-Hmac-Sha256", "not kept");
                m.setHeader("Content-Type", "application/json");
                Map<String, String> expected = new LinkedHashMap<>();
                for (int i = STORED.size() - 1; i >= 0; i--) { // set in reverse: the stored order is the list's
                    if (i != leftOut) {
                        m.setHeader(STORED.get(i).toLowerCase(), values.get((i + leftOut + 8) % values.size()));
                    }
                }
                for (int i = 0; i < STORED.size(); i++) {
                    if (i != leftOut) {
                        expected.put(STORED.get(i), values.get((i + leftOut + 8) % values.size()));
                    }
                }
                String json = WebhookIntake.storedHeaders(m);
                assertThat(json).isEqualTo(new ObjectMapper().writeValueAsString(expected));
                assertThat(new ObjectMapper().readValue(json, Map.class)).isEqualTo(expected);
            }
            assertThat(WebhookIntake.storedHeaders(new DefaultMessage(camel))).isEqualTo("{}");
        }
    }

    @Test
    void anErrorAnswerIsValidJsonWhateverTheMessageHolds() throws Exception {
        String message = "X-Shopify-Shop-Domain: invalid 'a\\b\"c}{\u0000\u001f\ttab\nline é 日本'";
        com.fasterxml.jackson.databind.JsonNode answer = new ObjectMapper().readTree(WebhookIntake.errorJson(message));
        assertThat(answer.size()).isEqualTo(1);
        assertThat(answer.path("error").asText()).isEqualTo(message);
    }
}
