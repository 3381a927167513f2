package io.shopifysync.observe;

import io.shopifysync.admin.AdminAuth;
import io.shopifysync.admin.HttpGuards;
import io.shopifysync.config.AppConfig;
import io.shopifysync.config.ConfigException;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.health.HealthCheckHelper;

/**
 * Puts {@link ManagementAuth} in front of every path of Camel's management server (health, metrics, Jolokia),
 * through the server's own authentication hook, so the handler is on the router before the port listens.
 */
public final class ManagementSecurity {

    private ManagementSecurity() {
    }

    /** Called once Camel Main has configured the context and before it starts. */
    public static void install(CamelContext context, AppConfig config) {
        if (!config.getBoolean("management.enabled")) {
            return;
        }
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null) {
            throw new ConfigException("management.enabled is true but Camel started no management server "
                    + "(camel.management.enabled must follow management.enabled)");
        }
        int managementPort = config.getInt("management.port");
        if (managementPort != 0 && managementPort == config.getInt("http.port")) {
            // on a shared port Camel reuses the webhook server, whose routes our guard would not cover
            throw new ConfigException("management.port must differ from http.port (both are " + managementPort + ")");
        }
        AdminAuth token = new AdminAuth(config.get("admin.token").orElse(null));
        Set<String> origins = Arrays.stream(config.get("management.cors.origins").orElse("").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        boolean publicProbes = config.getBoolean("management.probes.public");
        Predicate<Boolean> probe = publicProbes ? readiness -> probeUp(context, readiness) : null;
        ManagementAuth guard = new ManagementAuth(token, config.get("management.basic.user").orElse(ManagementAuth.DEFAULT_BASIC_USER),
                origins, server.getHealthPath(), probe);

        HttpGuards.guardEveryPath(server.getConfiguration(), guard);
    }

    private static boolean probeUp(CamelContext context, boolean readiness) {
        return readiness
                ? HealthCheckHelper.isResultsUp(HealthCheckHelper.invokeReadiness(context), true)
                : HealthCheckHelper.isResultsUp(HealthCheckHelper.invokeLiveness(context), false);
    }
}
