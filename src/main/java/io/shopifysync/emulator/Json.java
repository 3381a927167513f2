package io.shopifysync.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The emulator's own Jackson mapper (shares nothing with the sync side). */
final class Json {
    private Json() {}

    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String string(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> parseObject(byte[] body) throws IOException {
        if (body == null || body.length == 0) {
            return new LinkedHashMap<>();
        }
        return MAPPER.readValue(body, new TypeReference<LinkedHashMap<String, Object>>() {});
    }

    static Map<String, Object> parseObject(String body) throws IOException {
        return parseObject(body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Builds an insertion-ordered map from key/value pairs. */
    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
