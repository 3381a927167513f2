package io.shopifysync.admin;

import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.handler.AuthenticationHandler;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;

/**
 * Puts a handler in front of every path of a Camel platform-http server through the server's own authentication hook:
 * it is on the router before the port listens and before any route's body handler, so it sees each request first.
 */
public final class HttpGuards {

    private HttpGuards() {
    }

    /** Must run before the server starts (Camel Main's afterConfigure, or a CamelConfiguration). */
    public static void guardEveryPath(VertxPlatformHttpServerConfiguration serverConfig, AuthenticationHandler guard) {
        AuthenticationConfig auth = serverConfig.getAuthenticationConfig();
        if (auth == null) {
            auth = new AuthenticationConfig();
            serverConfig.setAuthenticationConfig(auth);
        }
        AuthenticationConfig.AuthenticationConfigEntry entry = new AuthenticationConfig.AuthenticationConfigEntry();
        entry.setPath("/*");
        entry.setAuthenticationProviderFactory(vertx -> null);
        entry.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T provider) {
                return guard;
            }
        });
        auth.getEntries().add(entry);
        auth.setEnabled(true);
    }
}
