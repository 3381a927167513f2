package io.shopifysync.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real Shopify samples in src/test/resources/fixtures/shopify (see its SOURCES.md); surefire passes the path as shopify.sync.fixtures. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path dir() {
        String p = System.getProperty("shopify.sync.fixtures");
        Path dir = p != null && !p.isBlank() ? Path.of(p) : Path.of("src", "test", "resources", "fixtures", "shopify");
        if (!Files.isDirectory(dir)) {
            throw new AssertionError("fixtures directory not found: " + dir.toAbsolutePath());
        }
        return dir;
    }
}
