package io.shopifysync.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.testing.ProjectHome;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docker/compose.yaml and docker/Dockerfile agree with application.properties (no Docker engine needed). */
class ComposeFileTest {

    private static final Path HOME = ProjectHome.path();

    private static String compose() throws IOException {
        return Files.readString(HOME.resolve("docker/compose.yaml"));
    }

    private static Properties appProperties() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(HOME.resolve("application.properties"))) {
            p.load(r);
        }
        return p;
    }

    @Test
    void composeAgreesWithTheConfiguration() throws IOException {
        assertThat(new ComposeCheck(compose(), appProperties()).problems()).isEmpty();
    }

    @Test
    void theImageDefaultsAreTheConfiguredPorts() throws IOException {
        String dockerfile = Files.readString(HOME.resolve("docker/Dockerfile"));
        Properties p = appProperties();
        for (String[] port : new String[][] {{"HTTP_PORT", "http.port"}, {"MANAGEMENT_PORT", "management.port"}}) {
            Matcher env = Pattern.compile(port[0] + "=(\\d+)").matcher(dockerfile);
            assertThat(env.find()).as("docker/Dockerfile sets %s", port[0]).isTrue();
            assertThat(env.group(1)).as(port[0]).isEqualTo(p.getProperty(port[1]).trim());
            assertThat(dockerfile).containsPattern("EXPOSE .*\\b" + env.group(1) + "\\b");
        }
    }

    @Test
    void aRenamedVariableIsReported() throws IOException {
        String drifted = compose().replace("    ADMIN_TOKEN:", "    ADMIN_SECRET:");
        assertThat(new ComposeCheck(drifted, appProperties()).problems())
                .contains("app-1: ADMIN_SECRET is no key of application.properties", "app-1: ADMIN_TOKEN is not set");
    }

    @Test
    void aKeyRemovedFromApplicationPropertiesIsReported() throws IOException {
        Properties p = appProperties();
        p.remove("management.cors.origins");
        assertThat(new ComposeCheck(compose(), p).problems())
                .contains("app-2: MANAGEMENT_CORS_ORIGINS is no key of application.properties");
    }

    @Test
    void portsDatabaseAndHawtioMismatchesAreReported() throws IOException {
        String drifted = compose().replace("\"127.0.0.1:9877:9876\"", "\"9877:9876\"")
                .replace("jdbc:postgresql://postgres:5432/shopify_sync", "jdbc:postgresql://db:5432/shopify_sync")
                .replace("proxyAllowlist=app-1,app-2", "proxyAllowlist=app-1")
                .replace("\"127.0.0.1:8888:8080\"", "\"127.0.0.1:8899:8080\"");
        assertThat(new ComposeCheck(drifted, appProperties()).problems()).contains(
                "app-2: the management port must be published on 127.0.0.1 only, not 9877:9876",
                "app-1: DB_URL names host db, which is no service",
                "hawtio: its proxy allow-list [app-1] does not let it reach app-2",
                "app-1: MANAGEMENT_CORS_ORIGINS lacks Hawtio's origin http://localhost:8899");
    }

    @Test
    void instancesWithDifferentKeysAreReported() throws IOException {
        String oneInstance = compose().replace("  app-2:\n    <<: *app\n", "  app-2:\n    <<: *app\n    environment:\n      DB_URL: x\n");
        assertThat(new ComposeCheck(oneInstance, appProperties()).problems())
                .contains("app-2: its environment differs from the other instance's (one database, one key, one token)");
    }
}
