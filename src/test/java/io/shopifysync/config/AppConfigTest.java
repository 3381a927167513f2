package io.shopifysync.config;

import io.shopifysync.testing.ProjectHome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {

    @TempDir
    Path home;

    @Test
    void environmentOverridesTheFileAndSystemPropertiesOverrideBoth() throws Exception {
        Files.writeString(home.resolve("application.properties"), "db.url = jdbc:h2:mem:x\nhttp.port = 8080\nadmin.token =\n");
        Properties sys = new Properties();
        sys.setProperty("http.port", "9000");
        AppConfig c = AppConfig.load(home, Map.of("DB_URL", "jdbc:postgresql://db/x", "HTTP_PORT", "7000"), sys);
        assertThat(c.get("db.url")).contains("jdbc:postgresql://db/x");
        assertThat(c.get("http.port")).contains("9000");
        assertThat(c.get("admin.token")).isEmpty();
    }

    @Test
    void aCommandEnvironmentIsTheWholeEnvironmentLoadReadsAndNoSystemPropertyCounts() throws Exception {
        Files.writeString(home.resolve(AppConfig.FILE_NAME), "db.url = jdbc:file\nhttp.port = 8080\n");
        String key = "shopify.client.id"; // not in this file: get() falls back to the environment
        System.setProperty("http.port", "7070");
        try {
            AppConfig inCommand = AppConfig.withCommandEnvironment(Map.of(AppConfig.HOME_VARIABLE, home.toString(),
                    "DB_URL", "jdbc:from-command", "SHOPIFY_CLIENT_ID", "client-from-command"), AppConfig::load);
            assertThat(inCommand.home()).isEqualTo(home);
            assertThat(inCommand.get("db.url")).contains("jdbc:from-command");
            assertThat(inCommand.get("http.port")).as("no -D property in a new process").contains("8080");
            assertThat(inCommand.with(Map.of()).get(key)).contains("client-from-command");
            AppConfig outside = AppConfig.load();
            assertThat(outside.get("http.port")).contains("7070");
            assertThat(outside.get(key)).isEqualTo(java.util.Optional.ofNullable(System.getenv("SHOPIFY_CLIENT_ID")));
        } finally {
            System.clearProperty("http.port");
        }
    }

    @Test
    void environmentNamesFollowOneRule() {
        assertThat(AppConfig.environmentName("shopify.sync.data.dir")).isEqualTo("SHOPIFY_SYNC_DATA_DIR");
        assertThat(AppConfig.environmentName("camel.server.max-body-size")).isEqualTo("CAMEL_SERVER_MAX_BODY_SIZE");
    }

    @Test
    void relativePathsResolveAgainstHome() {
        AppConfig c = AppConfig.load(home, Map.of(), new Properties());
        assertThat(c.dataDir()).isEqualTo(home.resolve("data"));
        assertThat(c.with(Map.of("shopify.sync.data.dir", "/var/lib/ss")).dataDir()).isEqualTo(Path.of("/var/lib/ss"));
    }

    @Test
    void theDefaultsAreTheRepositorysApplicationPropertiesEvenWithoutAHomeFile() throws Exception {
        Properties file = new Properties();
        try (var in = java.nio.file.Files.newInputStream(ProjectHome.path().resolve("application.properties"))) {
            file.load(in);
        }
        AppConfig c = AppConfig.load(home, Map.of("IMPORT_THREADS", "7"), new Properties()); // home has no file
        assertThat(c.getInt("poll.threads")).isEqualTo(Integer.parseInt(file.getProperty("poll.threads").trim()));
        assertThat(c.getBoolean("quartz.clustered")).isEqualTo(Boolean.parseBoolean(file.getProperty("quartz.clustered").trim()));
        assertThat(c.getInt("import.threads")).isEqualTo(7);
    }

    @Test
    void aSettingThatIsNeitherTrueNorFalseIsNamed() {
        AppConfig c = AppConfig.load(home, Map.of(), new Properties()).with(Map.of("routes.reload", "yes please"));
        assertThatThrownBy(() -> c.getBoolean("routes.reload")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes.reload").hasMessageContaining("yes please");
    }

    @Test
    void malformedNumbersAreNamed() {
        AppConfig c = AppConfig.load(home, Map.of(), new Properties()).with(Map.of("http.port", "eighty"));
        assertThatThrownBy(() -> c.getInt("http.port")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.port").hasMessageContaining("eighty");
    }

    @Test
    void theCheckedInFileDeclaresEveryContractVariable() throws Exception {
        Path project = Path.of("").toAbsolutePath();
        AppConfig c = AppConfig.load(project, Map.of(), new Properties());
        Properties p = c.asProperties();
        for (String key : new String[] {"db.url", "db.user", "db.password", "shopify.sync.data.dir", "shopify.client.secret",
                "shopify.client.secret.previous", "shopify.sync.master.key", "admin.token", "http.port", "management.port",
                "webhook.public.url", "shopify.api.version"}) {
            assertThat(p).containsKey(key);
        }
        assertThat(c.get("shopify.api.version")).contains("2026-10");
        assertThat(c.get("http.port")).contains("8080");
        assertThat(c.get("management.port")).contains("9876");
    }
}
