package io.shopifysync.cli;

import io.shopifysync.config.AppConfig;
import io.shopifysync.config.ConfigException;
import java.util.Set;

/** Chooses the log format (logback.xml's appender) from {@code log.format} before the first logger is created. */
final class LogFormat {

    static final String KEY = "log.format";
    private static final Set<String> FORMATS = Set.of("text", "json");

    private LogFormat() {
    }

    /** Sets the system property logback.xml reads; an unknown value is a configuration error. */
    static void select(AppConfig config) {
        String format = config.get(KEY).orElse("text").trim().toLowerCase(java.util.Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new ConfigException(KEY + " (LOG_FORMAT) must be text or json, got '" + config.get(KEY).orElse("") + "'");
        }
        System.setProperty(KEY, format);
    }
}
