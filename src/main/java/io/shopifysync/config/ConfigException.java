package io.shopifysync.config;

/** A configuration value is missing or malformed; the message says which key and how to set it. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
