package io.shopifysync.emulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The lines of one root object of a bulk result, written by one reusable Jackson generator into a char buffer and
 * copied to the file from there. Each line is what {@code Json.string(row).replace("/", "\\/")} gives for the row,
 * byte for byte: the emulator's mapper's generator settings, '/' escaped as {@code \/} by the generator itself (as
 * Shopify's files have it), strings, numbers, booleans, maps and lists written as Jackson's serializers write them, and
 * any other value through the mapper.
 */
final class JsonlLines {

    /** A growable char buffer: StringWriter without its StringBuffer's locking. */
    private static final class Chars extends Writer {
        char[] buf = new char[1 << 14];
        int len;

        private void ensure(int more) {
            if (len + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        @Override
        public void write(char[] c, int off, int n) {
            ensure(n);
            System.arraycopy(c, off, buf, len, n);
            len += n;
        }

        @Override
        public void write(int c) {
            ensure(1);
            buf[len++] = (char) c;
        }

        @Override
        public void write(String s, int off, int n) {
            ensure(n);
            s.getChars(off, off + n, buf, len);
            len += n;
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    /**
     * The emulator's mapper's factory with '/' escaped as {@code \/} in its escape table: Jackson's fast string path
     * stays in use (custom CharacterEscapes send every string through a slower per-char loop).
     */
    private static final JsonFactory FACTORY = new JsonFactoryBuilder(Json.MAPPER.getFactory())
            .enable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES).build();

    private final Chars chars = new Chars();
    private final JsonGenerator gen;
    /** End offset in {@link #chars} of each line written since {@link #clear}. */
    private int[] ends = new int[64];
    private int count;

    JsonlLines() {
        try {
            gen = FACTORY.createGenerator(chars);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        gen.setRootValueSeparator(null); // lines are separated when they are copied out
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /** Forgets the lines written so far (after they have been copied out). */
    void clear() {
        chars.len = 0;
        count = 0;
    }

    void beginRow() throws IOException {
        gen.writeStartObject();
    }

    void field(String name, Object value) throws IOException {
        gen.writeFieldName(name);
        value(value);
    }

    /** Ends the row and answers its line number (since {@link #clear}). */
    int endRow() throws IOException {
        gen.writeEndObject();
        gen.flush(); // into chars, so the line's end is known
        if (count == ends.length) {
            ends = Arrays.copyOf(ends, count * 2);
        }
        ends[count] = chars.len;
        return count++;
    }

    /** Copies one line (without its newline) to the file's writer. */
    void writeTo(Writer out, int line) throws IOException {
        int start = line == 0 ? 0 : ends[line - 1];
        out.write(chars.buf, start, ends[line] - start);
    }

    /** One map as one line, as a String (for tests and comparisons). */
    String line(Map<String, Object> row) {
        try {
            clear();
            beginRow();
            for (Map.Entry<String, Object> e : row.entrySet()) {
                field(e.getKey(), e.getValue());
            }
            int n = endRow();
            int start = n == 0 ? 0 : ends[n - 1];
            return new String(chars.buf, start, ends[n] - start);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What Jackson's serializer for the value's class writes; values of other classes go through the mapper whole. */
    private void value(Object v) throws IOException {
        if (v == null) {
            gen.writeNull();
        } else if (v instanceof String s) {
            gen.writeString(s);
        } else if (v instanceof Integer i) {
            gen.writeNumber(i);
        } else if (v instanceof Long l) {
            gen.writeNumber(l);
        } else if (v instanceof Boolean b) {
            gen.writeBoolean(b);
        } else {
            nested(v);
        }
    }

    private void nested(Object v) throws IOException {
        if (v instanceof Map<?, ?> m && stringKeys(m)) {
            gen.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                field((String) e.getKey(), e.getValue());
            }
            gen.writeEndObject();
        } else if (v instanceof List<?> list) {
            gen.writeStartArray();
            for (Object o : list) {
                value(o);
            }
            gen.writeEndArray();
        } else {
            // doubles, decimals, arrays, beans: exactly what the old line held for them
            gen.writeRawValue(Json.string(v).replace("/", "\\/"));
        }
    }

    private static boolean stringKeys(Map<?, ?> m) {
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                return false;
            }
        }
        return true;
    }
}
