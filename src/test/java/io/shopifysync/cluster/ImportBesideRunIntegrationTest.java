package io.shopifysync.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopifysync.db.Dialect;
import io.shopifysync.emulator.EmulatedShop;
import io.shopifysync.emulator.ShopifyEmulator;
import io.shopifysync.testing.AppProcess;
import io.shopifysync.testing.BothDatabases;
import io.shopifysync.testing.CliProcess;
import io.shopifysync.testing.EmulatorControl;
import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.SyncHarness;
import io.shopifysync.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import --shop D} beside a running {@code run} on the same database (H2 through AUTO_SERVER, or
 * PostgreSQL): both import the store, and the work locks keep them from working on one resource at once.
 */
class ImportBesideRunIntegrationTest {

    @TempDir
    Path dataDir;

    @BothDatabases
    void theCliAndRunShareTheImportWithoutWorkingOnOneResourceAtOnce(Dialect dialect) throws Exception {
        String masterKey = SyncHarness.newMasterKey();
        // every bulk export is held RUNNING until the CLI has claimed work, so both find the import unfinished
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(4).orders(300).products(30).customers(150)
                .plan("plus").start();
             TestDatabase tdb = TestDatabase.create(dialect, dataDir);
             SyncHarness sync = new SyncHarness(tdb, dataDir, Map.of("shopify.sync.master.key", masterKey))) {
            EmulatedShop shop = emu.shops().get(0);
            EmulatorControl control = new EmulatorControl(emu);
            control.call("PUT", "/_emulator/settings", "{\"bulkHeld\":true}");
            sync.register(shop);
            Map<String, String> env = new HashMap<>(CliProcess.envFor(tdb));
            env.put("SHOPIFY_SYNC_MASTER_KEY", masterKey);
            env.put("IMPORT_INTERVAL_MS", "200");
            env.put("WORK_LOCKS_LOG_LEVEL", "DEBUG");
            Map<String, String> runEnv = new HashMap<>(env);
            runEnv.put("HTTP_PORT", Integer.toString(FreePort.find()));
            Path runLog = Files.createTempFile(dataDir, "run", ".log");
            Path cliDir = Files.createDirectories(dataDir.resolve("cli"));
            try (AppProcess run = AppProcess.start(runEnv, runLog)) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !TwoInstancesKillIntegrationTest.holds("run", runLog, Long.MAX_VALUE).isEmpty());
                CliProcess.Result cli = CliProcess.runInJvm(cliDir, env, logged -> {
                    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50))
                            .until(() -> logged.get().contains("work claimed " + shop.domain()));
                    control.call("PUT", "/_emulator/settings", "{\"bulkHeld\":false}");
                }, "import", "--shop", shop.domain(), "--timeout", "50");
                assertThat(cli.exitCode()).as(cli.err()).isZero();
                Files.writeString(cliDir.resolve("cli.log"), cli.err());

                await().atMost(Duration.ofSeconds(60)).until(() -> sync.allIncremental(shop.domain()));
                assertThat(sync.databaseDigest(shop.domain())).isEqualTo(SyncHarness.emulatorDigest(emu, shop.domain()));
                List<TwoInstancesKillIntegrationTest.Hold> all =
                        new ArrayList<>(TwoInstancesKillIntegrationTest.holds("run", runLog, Long.MAX_VALUE));
                List<TwoInstancesKillIntegrationTest.Hold> byCli =
                        TwoInstancesKillIntegrationTest.holds("cli", cliDir.resolve("cli.log"), Long.MAX_VALUE);
                assertThat(byCli).as("the CLI did import work").isNotEmpty();
                all.addAll(byCli);
                assertThat(TwoInstancesKillIntegrationTest.overlaps(all.stream().filter(h -> h.end() != Long.MAX_VALUE).toList()))
                        .as("never both on one resource at once").isEmpty();
            }
        }
    }
}
