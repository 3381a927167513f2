package io.shopifysync.cli;

import io.shopifysync.app.ShopifySyncApp;
import io.shopifysync.config.AppConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code run}: the long-running application (Camel Main with every route in {@code routes/}). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the application until stopped: the admin API on HTTP_PORT and every route in routes/.")
final class RunCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        ShopifySyncApp.runUntilStopped(AppConfig.load());
        return 0;
    }
}
