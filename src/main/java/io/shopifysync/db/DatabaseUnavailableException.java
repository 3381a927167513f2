package io.shopifysync.db;

/** The database could not be reached or migrated; the message names the URL without secrets. */
public class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
