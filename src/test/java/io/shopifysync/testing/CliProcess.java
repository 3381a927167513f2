package io.shopifysync.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.shopifysync.cli.ShopifySync;
import io.shopifysync.config.AppConfig;
import io.shopifysync.db.Dialect;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code shopify-sync <args>} as a user runs it, configured only by environment variables. It runs in the test's JVM
 * (a new JVM per command cost most of the CLI tests' time): the command sees exactly the environment a new process
 * would get and no system property, and what it and its logs print is captured as a process's stdout and stderr.
 * {@link #runProcess} starts a JVM of its own, for what only a process shows (the log format, chosen at JVM start).
 */
public final class CliProcess {

    /** What one command printed and returned. */
    public record Result(int exitCode, String out, String err) {
    }

    /** logback.xml's level variables, applied to its loggers while an in-JVM command runs. */
    private static final Map<String, String> LEVEL_VARIABLES = Map.of("LOG_LEVEL", org.slf4j.Logger.ROOT_LOGGER_NAME,
            "WORK_LOCKS_LOG_LEVEL", "io.shopifysync.cluster.WorkLocks");

    /** One in-JVM command at a time: the log lines written while it runs are its stderr. */
    private static final Object IN_JVM = new Object();

    private CliProcess() {
    }

    /** The environment that points the command at a test database (H2: the embedded default in the data dir). */
    public static Map<String, String> envFor(TestDatabase tdb) {
        Map<String, String> env = new HashMap<>();
        // as the in-JVM apps have it: the forks' apps and processes share one PostgreSQL of 100 connections
        env.put("DB_POOL_SIZE", "5");
        if (tdb.dialect() == Dialect.POSTGRESQL || tdb.url().startsWith("jdbc:h2:file:")) {
            env.put("DB_URL", tdb.url());
            env.put("DB_USER", tdb.dialect() == Dialect.H2 ? "sa" : TestDatabase.PG_USER);
            env.put("DB_PASSWORD", tdb.dialect() == Dialect.H2 ? "" : TestDatabase.PG_PASSWORD);
        }
        return env;
    }

    /** The command in this JVM, unless it sets LOG_FORMAT, which logback reads once per JVM. */
    public static Result run(Path dataDir, Map<String, String> env, String... args) throws Exception {
        return env.containsKey("LOG_FORMAT") ? runProcess(dataDir, env, args) : runInJvm(dataDir, env, args);
    }

    /** The environment a new process gets: this JVM's, without its database, Shopify and admin settings, plus {@code env}. */
    private static Map<String, String> processEnvironment(Path dataDir, Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>(System.getenv());
        all.keySet().removeIf(k -> k.startsWith("DB_") || k.startsWith("SHOPIFY_") || k.equals("ADMIN_TOKEN"));
        all.put("SHOPIFY_SYNC_DATA_DIR", dataDir.toString());
        all.putAll(env);
        return all;
    }

    static Result runInJvm(Path dataDir, Map<String, String> env, String... args) throws Exception {
        return runInJvm(dataDir, env, logged -> { }, args);
    }

    /**
     * The command in this JVM; {@code whileRunning} is called on this thread once it has started, with what it has
     * logged so far, so a test can act at a point of the command's own progress (then the command is awaited).
     */
    public static Result runInJvm(Path dataDir, Map<String, String> env, Consumer<Supplier<String>> whileRunning,
            String... args) throws Exception {
        Map<String, String> processEnv = processEnvironment(dataDir, env);
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        StringWriter out = new StringWriter();
        CommandLine cl = ShopifySync.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        FutureTask<Integer> command = new FutureTask<>(() -> AppConfig.withCommandEnvironment(processEnv, () -> cl.execute(args)));
        synchronized (IN_JVM) {
            Map<Logger, Level> levels = new HashMap<>();
            for (Map.Entry<String, String> v : LEVEL_VARIABLES.entrySet()) {
                if (processEnv.containsKey(v.getKey())) {
                    Logger logger = (Logger) LoggerFactory.getLogger(v.getValue());
                    levels.put(logger, logger.getLevel());
                    logger.setLevel(Level.toLevel(processEnv.get(v.getKey()), Level.INFO));
                }
            }
            // every log line written meanwhile, as the console appender writes it: a process's logs go to its stderr
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            OutputStreamAppender<ILoggingEvent> logs = new OutputStreamAppender<>();
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(root.getLoggerContext());
            encoder.setPattern(((PatternLayoutEncoder) ((OutputStreamAppender<ILoggingEvent>) root.getAppender("console")).getEncoder())
                    .getPattern());
            encoder.start();
            logs.setContext(root.getLoggerContext());
            logs.setEncoder(encoder);
            logs.setOutputStream(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            logs.start();
            root.addAppender(logs);
            Thread thread = new Thread(command, "shopify-sync " + String.join(" ", args));
            try {
                thread.start();
                whileRunning.accept(() -> errBytes.toString(StandardCharsets.UTF_8));
                Integer exitCode = command.get(60, TimeUnit.SECONDS);
                cl.getOut().flush();
                cl.getErr().flush();
                return new Result(exitCode, out.toString(), errBytes.toString(StandardCharsets.UTF_8));
            } catch (TimeoutException e) {
                thread.interrupt();
                throw new AssertionError("command not finished in 60 s: " + String.join(" ", args) + "\n"
                        + errBytes.toString(StandardCharsets.UTF_8));
            } catch (RuntimeException | AssertionError e) {
                // whileRunning gave up: stop the command rather than leave it running into the next test
                thread.interrupt();
                throw e;
            } finally {
                root.detachAppender(logs);
                logs.stop();
                levels.forEach(Logger::setLevel);
            }
        }
    }

    /** The command in a JVM of its own. */
    public static Result runProcess(Path dataDir, Map<String, String> env, String... args) throws Exception {
        // short-lived commands: C1 only and the serial collector start about a third faster
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                ShopifySync.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ProjectHome.path().toFile());
        pb.environment().clear();
        pb.environment().putAll(processEnvironment(dataDir, env));
        File out = dataDir.resolve("out.txt").toFile();
        File err = dataDir.resolve("err.txt").toFile();
        Process p = pb.redirectOutput(out).redirectError(err).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("command finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }
}
