package io.shopifysync.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.cli.ShopifySync;
import io.shopifysync.db.Dialect;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code shopify-sync <args>} as a user runs it: its own JVM, configured only by environment variables. */
public final class CliProcess {

    /** What one command printed and returned. */
    public record Result(int exitCode, String out, String err) {
    }

    private CliProcess() {
    }

    /** The environment that points the command at a test database (H2: the embedded default in the data dir). */
    public static Map<String, String> envFor(TestDatabase tdb) {
        Map<String, String> env = new HashMap<>();
        if (tdb.dialect() == Dialect.POSTGRESQL || tdb.url().startsWith("jdbc:h2:file:")) {
            env.put("DB_URL", tdb.url());
            env.put("DB_USER", tdb.dialect() == Dialect.H2 ? "sa" : TestDatabase.PG_USER);
            env.put("DB_PASSWORD", tdb.dialect() == Dialect.H2 ? "" : TestDatabase.PG_PASSWORD);
        }
        return env;
    }

    public static Result run(Path dataDir, Map<String, String> env, String... args) throws Exception {
        // short-lived commands: C1 only and the serial collector start about a third faster (most CLI tests' time)
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                ShopifySync.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ProjectHome.path().toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DB_") || k.startsWith("SHOPIFY_") || k.equals("ADMIN_TOKEN"));
        pb.environment().put("SHOPIFY_SYNC_DATA_DIR", dataDir.toString());
        pb.environment().putAll(env);
        File out = dataDir.resolve("out.txt").toFile();
        File err = dataDir.resolve("err.txt").toFile();
        Process p = pb.redirectOutput(out).redirectError(err).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("command finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }
}
