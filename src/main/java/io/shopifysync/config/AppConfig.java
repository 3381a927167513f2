package io.shopifysync.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The application's configuration: {@code application.properties} in the home directory, where every key
 * is overridden by the environment variable of the same name in upper case with dots and dashes as
 * underscores ({@code db.url} → {@code DB_URL}), and then by a {@code -Dkey=value} system property.
 */
public final class AppConfig {

    public static final String FILE_NAME = "application.properties";
    public static final String HOME_VARIABLE = "SHOPIFY_SYNC_HOME";
    /** The build copies application.properties here, so its values are the only defaults. */
    static final String DEFAULTS_RESOURCE = "/io/shopifysync/config/defaults/" + FILE_NAME;

    /** What {@link #load()} reads instead of the process's environment: set while a test runs a command in its own JVM. */
    private static final ThreadLocal<Map<String, String>> COMMAND_ENVIRONMENT = new ThreadLocal<>();

    private final Path home;
    private final Map<String, String> values;
    private final Map<String, String> env;

    private AppConfig(Path home, Map<String, String> values, Map<String, String> env) {
        this.home = home;
        this.values = values;
        this.env = env;
    }

    /** Loads from the discovered home directory, the process environment and system properties. */
    public static AppConfig load() {
        Map<String, String> commandEnv = COMMAND_ENVIRONMENT.get();
        if (commandEnv != null) {
            // as a new process sees it: this environment, no -D system property
            return load(discoverHome(commandEnv.get(HOME_VARIABLE), null), commandEnv, new Properties(), commandEnv);
        }
        return load(discoverHome(), System.getenv(), System.getProperties());
    }

    /**
     * Runs {@code command} with {@link #load()} reading {@code env} as its whole environment and no system property, as
     * a command in a new process would: how tests run the command line in their own JVM.
     */
    public static <T> T withCommandEnvironment(Map<String, String> env, java.util.concurrent.Callable<T> command) throws Exception {
        Map<String, String> outer = COMMAND_ENVIRONMENT.get();
        COMMAND_ENVIRONMENT.set(Map.copyOf(env));
        try {
            return command.call();
        } finally {
            COMMAND_ENVIRONMENT.set(outer);
        }
    }

    public static AppConfig load(Path home, Map<String, String> env, Properties systemProperties) {
        return load(home, env, systemProperties, System.getenv());
    }

    private static AppConfig load(Path home, Map<String, String> env, Properties systemProperties, Map<String, String> fallbackEnv) {
        Map<String, String> values = new TreeMap<>();
        // the defaults are the repository's application.properties, bundled in the jar: a home file overrides them
        try (InputStream in = AppConfig.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in != null) {
                Properties defaults = new Properties();
                defaults.load(in);
                defaults.stringPropertyNames().forEach(k -> values.put(k, defaults.getProperty(k).trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled " + DEFAULTS_RESOURCE, e);
        }
        Path file = home.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            Properties fileProps = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                fileProps.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            fileProps.stringPropertyNames().forEach(k -> values.put(k, fileProps.getProperty(k).trim()));
        }
        for (String key : values.keySet().toArray(String[]::new)) {
            String fromEnv = env.get(environmentName(key));
            if (fromEnv != null) {
                values.put(key, fromEnv);
            }
        }
        systemProperties.stringPropertyNames().stream()
                .filter(k -> values.containsKey(k) || k.startsWith("camel.") || k.startsWith("shopify."))
                .forEach(k -> values.put(k, systemProperties.getProperty(k)));
        return new AppConfig(home, values, fallbackEnv);
    }

    /** A copy with some keys replaced: how tests and the demo configure an in-process application. */
    public AppConfig with(Map<String, String> overrides) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.putAll(overrides);
        return new AppConfig(home, copy, env);
    }

    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The directory holding {@code routes/} and {@code application.properties}: {@code $SHOPIFY_SYNC_HOME},
     * else the working directory when it has {@code application.properties}, else the parent of the
     * directory holding the jar ({@code target/..}, the checkout), else the working directory.
     */
    public static Path discoverHome() {
        return discoverHome(System.getenv(HOME_VARIABLE), System.getProperty("shopify.sync.home"));
    }

    private static Path discoverHome(String fromEnv, String fromProperty) {
        String explicit = fromEnv;
        if (explicit == null || explicit.isBlank()) {
            explicit = fromProperty;
        }
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        Path cwd = Path.of("").toAbsolutePath();
        if (Files.isRegularFile(cwd.resolve(FILE_NAME))) {
            return cwd;
        }
        return jarHome().orElse(cwd);
    }

    private static Optional<Path> jarHome() {
        try {
            Path codeSource = Path.of(AppConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = codeSource.getParent(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve(FILE_NAME)) && Files.isDirectory(dir.resolve("routes"))) {
                    return Optional.of(dir);
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no usable code source (e.g. a custom class loader): fall back to the working directory
        }
        return Optional.empty();
    }

    public Path home() {
        return home;
    }

    public Optional<String> get(String key) {
        String v = values.get(key);
        if (v == null) {
            v = env.get(environmentName(key));
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    public String require(String key) {
        return get(key).orElseThrow(() -> new ConfigException(
                "missing configuration " + key + " (set it in " + FILE_NAME + " or as " + environmentName(key) + ")"));
    }

    /** true or false, as application.properties (bundled or in the home) or the environment sets it. */
    public boolean getBoolean(String key) {
        String v = require(key);
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new ConfigException(key + " must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    /** A whole number that application.properties (bundled or in the home) or the environment sets. */
    public int getInt(String key) {
        String v = require(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, got '" + v + "'");
        }
    }

    /** Resolves a possibly relative path against the home directory. */
    public Path path(String key, String defaultValue) {
        Path p = Path.of(get(key).orElse(defaultValue));
        return p.isAbsolute() ? p.normalize() : home.resolve(p).normalize();
    }

    public Path dataDir() {
        return path("shopify.sync.data.dir", "./data");
    }

    /** Every resolved key, for handing to Camel as override properties. */
    public Properties asProperties() {
        Properties p = new Properties();
        values.forEach(p::setProperty);
        return p;
    }
}
