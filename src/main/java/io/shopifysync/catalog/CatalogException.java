package io.shopifysync.catalog;

/** The catalog is malformed; the message names the entry and the field. */
public class CatalogException extends RuntimeException {
    public CatalogException(String message) {
        super(message);
    }
}
