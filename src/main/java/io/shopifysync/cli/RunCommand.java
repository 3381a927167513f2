package io.shopifysync.cli;

import io.shopifysync.app.ShopifySyncApp;
import io.shopifysync.config.AppConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: the long-running application (Camel Main with every route in {@code routes/}). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the application until stopped: the admin API on HTTP_PORT and every route in routes/.")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"--dev", "--reload"}, description = "Reload a route file of routes/ when it is saved (routes.reload): "
            + "its routes are replaced in place, the others keep running. For editing routes, not for production.")
    boolean reload;

    @Override
    public Integer call() throws Exception {
        AppConfig config = AppConfig.load();
        ShopifySyncApp.runUntilStopped(reload ? config.with(Map.of("routes.reload", "true")) : config);
        return 0;
    }
}
