package io.shopifysync.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout's top directory (where {@code routes/} and {@code application.properties} are). */
public final class ProjectHome {
    private ProjectHome() {
    }

    public static Path path() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("routes")) && Files.isRegularFile(dir.resolve("application.properties"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run the tests from the checkout");
    }
}
