package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** The object id and updated_at the intake reads from a delivery's body, for the processor's newer-wins order. */
class WebhookObjectRefTest {

    private static WebhookIntake.ObjectRef of(String json) {
        return WebhookIntake.ObjectRef.of(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheTopLevelFieldsWhateverTheNestedObjectsHold() {
        WebhookIntake.ObjectRef ref = of("{\"line_items\":[{\"id\":7,\"updated_at\":\"2020-01-01T00:00:00Z\"}],"
                + "\"customer\":{\"id\":8},\"id\":820982911946154508,\"updated_at\":\"2026-11-26T10:00:00-05:00\",\"note\":null}");
        assertThat(ref.id()).isEqualTo(820982911946154508L);
        assertThat(ref.updatedAt()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:00:00-05:00"));
    }

    @Test
    void aRealShopifyPayloadGivesItsIdAndUpdatedAt() throws Exception {
        byte[] order = Files.readAllBytes(Fixtures.dir().resolve("webhooks/orders-updated.json"));
        JsonNode tree = new ObjectMapper().readTree(order);
        WebhookIntake.ObjectRef ref = WebhookIntake.ObjectRef.of(order);
        assertThat(ref.id()).isEqualTo(tree.get("id").asLong());
        assertThat(ref.updatedAt()).isEqualTo(OffsetDateTime.parse(tree.get("updated_at").asText()));
    }

    @Test
    void whatIsNotAWellFormedObjectGivesNeither() {
        for (String bad : new String[] {"", "[]", "42", "{\"id\":1", "{\"id\":1}}", "{\"id\":1} trailing", "not json"}) {
            assertThat(of(bad)).as(bad).isEqualTo(new WebhookIntake.ObjectRef(null, null));
        }
    }

    @Test
    void anIdThatIsNotAnIntegerOrATimestampThatDoesNotParseIsLeftOut() {
        assertThat(of("{\"id\":\"123\",\"updated_at\":\"yesterday\"}")).isEqualTo(new WebhookIntake.ObjectRef(null, null));
        assertThat(of("{\"id\":5,\"updated_at\":17}")).isEqualTo(new WebhookIntake.ObjectRef(5L, null));
    }
}
