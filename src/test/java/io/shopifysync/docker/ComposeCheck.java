package io.shopifysync.docker;

import io.shopifysync.config.AppConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Compares docker/compose.yaml with application.properties and the README's configuration table, so that a renamed key or a
 * moved port shows up as a problem here rather than as a container that silently ignores its setting.
 */
final class ComposeCheck {

    /** C1: the variables every instance is configured through. */
    static final List<String> FIXED_VARIABLES = List.of("DB_URL", "DB_USER", "DB_PASSWORD", "SHOPIFY_CLIENT_SECRET",
            "SHOPIFY_CLIENT_SECRET_PREVIOUS", "SHOPIFY_SYNC_MASTER_KEY", "ADMIN_TOKEN", "HTTP_PORT", "MANAGEMENT_PORT",
            "WEBHOOK_PUBLIC_URL", "SHOPIFY_API_VERSION");
    private static final String APP_DOCKERFILE = "docker/Dockerfile";
    private static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+)");
    private static final Pattern ALLOWLIST = Pattern.compile("-Dhawtio\\.proxyAllowlist=(\\S+)");

    private final Map<String, Map<String, Object>> services;
    private final Properties appProperties;
    private final List<String> problems = new ArrayList<>();

    @SuppressWarnings("unchecked")
    ComposeCheck(String composeYaml, Properties appProperties) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Map<String, Object> root = new Yaml(options).load(composeYaml);
        this.services = (Map<String, Map<String, Object>>) root.get("services");
        this.appProperties = appProperties;
    }

    /** Every difference found, one sentence each; empty when the file is consistent. */
    List<String> problems() {
        problems.clear();
        Map<String, Map<String, String>> apps = appServices();
        if (apps.size() < 2) {
            problems.add("expected at least two application instances, found " + apps.keySet());
        }
        Set<String> keys = new TreeSet<>();
        appProperties.stringPropertyNames().forEach(k -> keys.add(AppConfig.environmentName(k)));
        Map<String, String> first = apps.values().stream().findFirst().orElse(Map.of());
        for (Map.Entry<String, Map<String, String>> app : apps.entrySet()) {
            String name = app.getKey();
            Map<String, String> env = app.getValue();
            env.keySet().stream().filter(v -> !keys.contains(v))
                    .forEach(v -> problems.add(name + ": " + v + " is no key of application.properties"));
            FIXED_VARIABLES.stream().filter(v -> !env.containsKey(v)).forEach(v -> problems.add(name + ": " + v + " is not set"));
            if (!env.equals(first)) {
                problems.add(name + ": its environment differs from the other instance's (one database, one key, one token)");
            }
            checkPorts(name, env);
            checkDatabase(name, env);
        }
        checkHawtio(apps);
        return List.copyOf(problems);
    }

    private Map<String, Map<String, String>> appServices() {
        Map<String, Map<String, String>> apps = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            Object build = service.get("build");
            if (build instanceof Map<?, ?> b && APP_DOCKERFILE.equals(b.get("dockerfile"))) {
                apps.put(name, environment(service));
            }
        });
        return apps;
    }

    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        if (service.get("environment") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        return env;
    }

    @SuppressWarnings("unchecked")
    private static List<String> ports(Map<String, Object> service) {
        Object p = service.get("ports");
        return p instanceof List<?> l ? (List<String>) l : List.of();
    }

    private void checkPorts(String name, Map<String, String> env) {
        String http = env.get("HTTP_PORT");
        String management = env.get("MANAGEMENT_PORT");
        boolean httpPublished = false;
        boolean managementPublished = false;
        for (String mapping : ports(services.get(name))) {
            String[] parts = mapping.split(":");
            String container = parts[parts.length - 1];
            if (container.equals(http)) {
                httpPublished = true;
            } else if (container.equals(management)) {
                managementPublished = true;
                if (parts.length != 3 || !parts[0].equals("127.0.0.1")) {
                    problems.add(name + ": the management port must be published on 127.0.0.1 only, not " + mapping);
                }
            } else {
                problems.add(name + ": publishes container port " + container + ", which is neither HTTP_PORT nor MANAGEMENT_PORT");
            }
        }
        if (!httpPublished) {
            problems.add(name + ": HTTP_PORT " + http + " is not published");
        }
        if (!managementPublished) {
            problems.add(name + ": MANAGEMENT_PORT " + management + " is not published");
        }
    }

    private void checkDatabase(String name, Map<String, String> env) {
        Matcher url = JDBC_URL.matcher(env.getOrDefault("DB_URL", ""));
        if (!url.matches()) {
            problems.add(name + ": DB_URL is not a PostgreSQL JDBC URL: " + env.get("DB_URL"));
            return;
        }
        Map<String, Object> postgres = services.get(url.group(1));
        if (postgres == null) {
            problems.add(name + ": DB_URL names host " + url.group(1) + ", which is no service");
            return;
        }
        Map<String, String> pg = environment(postgres);
        if (!url.group(3).equals(pg.get("POSTGRES_DB"))) {
            problems.add(name + ": DB_URL's database " + url.group(3) + " is not POSTGRES_DB " + pg.get("POSTGRES_DB"));
        }
        if (!env.getOrDefault("DB_USER", "").equals(pg.get("POSTGRES_USER"))) {
            problems.add(name + ": DB_USER is not POSTGRES_USER");
        }
        if (!env.getOrDefault("DB_PASSWORD", "").equals(pg.get("POSTGRES_PASSWORD"))) {
            problems.add(name + ": DB_PASSWORD is not POSTGRES_PASSWORD");
        }
    }

    private void checkHawtio(Map<String, Map<String, String>> apps) {
        Map<String, Object> hawtio = services.get("hawtio");
        if (hawtio == null) {
            problems.add("no hawtio service");
            return;
        }
        Matcher allow = ALLOWLIST.matcher(environment(hawtio).getOrDefault("JAVA_OPTIONS", ""));
        Set<String> allowed = allow.find() ? Set.of(allow.group(1).split(",")) : Set.of();
        String origin = null;
        for (String mapping : ports(hawtio)) {
            String[] parts = mapping.split(":");
            if (parts.length != 3 || !parts[0].equals("127.0.0.1")) {
                problems.add("hawtio: must be published on 127.0.0.1 only, not " + mapping);
            }
            origin = "http://localhost:" + parts[parts.length - 2];
        }
        for (Map.Entry<String, Map<String, String>> app : apps.entrySet()) {
            if (!allowed.contains(app.getKey())) {
                problems.add("hawtio: its proxy allow-list " + allowed + " does not let it reach " + app.getKey());
            }
            List<String> origins = Arrays.asList(app.getValue().getOrDefault("MANAGEMENT_CORS_ORIGINS", "").split(","));
            if (origin != null && !origins.contains(origin)) {
                problems.add(app.getKey() + ": MANAGEMENT_CORS_ORIGINS lacks Hawtio's origin " + origin);
            }
            if (!"0.0.0.0".equals(app.getValue().get("MANAGEMENT_HOST"))) {
                problems.add(app.getKey() + ": MANAGEMENT_HOST must be 0.0.0.0 for Hawtio to reach it on the compose network");
            }
        }
    }
}
