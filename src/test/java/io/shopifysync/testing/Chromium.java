package io.shopifysync.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium for page tests: a fresh profile per call, no network of its own (no sync, updates or
 * QUIC). Missing Chromium is an error, not a skip: install it with {@code apt-get install -y chromium}.
 */
public final class Chromium {

    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");
    private static final long TIMEOUT_SECONDS = 90;

    private Chromium() {
    }

    /** The executable: $CHROMIUM if set, else the first installed candidate; fails when there is none. */
    public static Path executable() {
        String explicit = System.getenv("CHROMIUM");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("Chromium is not installed (looked for " + CANDIDATES
                        + "): DEBIAN_FRONTEND=noninteractive apt-get install -y chromium"));
    }

    /** The DOM after the page's scripts ran for up to {@code virtualTimeMs} of virtual time. */
    public static String dumpDom(String url, int virtualTimeMs) throws IOException, InterruptedException {
        return run(List.of("--virtual-time-budget=" + virtualTimeMs, "--dump-dom", url), null);
    }

    /** A PNG of the page at the given window size after {@code virtualTimeMs} of virtual time. */
    public static void screenshot(String url, Path png, int width, int height, int virtualTimeMs)
            throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        run(List.of("--virtual-time-budget=" + virtualTimeMs, "--hide-scrollbars",
                "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, url), png);
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IllegalStateException("Chromium wrote no screenshot to " + png);
        }
    }

    private static String run(List<String> args, Path workDir) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        Path out = Files.createTempFile("chromium", ".out");
        Path err = Files.createTempFile("chromium", ".err");
        try {
            List<String> cmd = new ArrayList<>(List.of(executable().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (workDir != null && workDir.toAbsolutePath().getParent() != null) {
                pb.directory(workDir.toAbsolutePath().getParent().toFile());
            }
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("Chromium did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("Chromium exited with " + p.exitValue() + ": "
                        + Files.readString(err, StandardCharsets.UTF_8).replaceAll("#token=[^\\s\"']*", "#token=***"));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
