package io.shopifysync.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SQL statements in {@code src/main/resources/sql/NAME.sql}, one statement per file.
 * A dialect-specific file {@code sql/NAME.postgresql.sql} or {@code sql/NAME.h2.sql} wins when present.
 */
public final class SqlStatements {

    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();
    private final Dialect dialect;

    public SqlStatements(Dialect dialect) {
        this.dialect = dialect;
    }

    public Dialect dialect() {
        return dialect;
    }

    public String get(String name) {
        return CACHE.computeIfAbsent(dialect + "/" + name, k -> load(name));
    }

    private String load(String name) {
        String text = read("sql/" + name + "." + dialect.name().toLowerCase() + ".sql");
        if (text == null) {
            text = read("sql/" + name + ".sql");
        }
        if (text == null) {
            throw new IllegalArgumentException("no SQL statement named " + name);
        }
        return text.strip().replaceAll(";$", "");
    }

    private static String read(String resource) {
        try (InputStream in = SqlStatements.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }
}
