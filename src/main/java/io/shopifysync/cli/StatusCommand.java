package io.shopifysync.cli;

import io.shopifysync.db.Database;
import io.shopifysync.sync.SyncStatus;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code status}: every store with each resource's phase, progress and lag, read from the database. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show every store and resource: phase, rows, lag and last error (works beside a running instance).")
final class StatusCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (Environment env = Environment.load()) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("database: " + env.database().displayUrl());
            print(env.database(), out);
        }
        return 0;
    }

    /** The status table of every shop and resource. */
    void print(Database db, PrintWriter out) {
        List<SyncStatus.ShopStatus> shops = new SyncStatus(db, Clock.systemUTC()).read();
        if (shops.isEmpty()) {
            out.println("no stores registered; add one with: shopify-sync accounts add --shop NAME.myshopify.com --token TOKEN");
            out.flush();
            return;
        }
        Table table = new Table("SHOP", "STATUS", "RESOURCE", "PHASE", "ROWS", "LAG", "LAST SUCCESS", "LAST ERROR");
        for (SyncStatus.ShopStatus shop : shops) {
            String status = shop.statusReason() == null ? shop.status() : shop.status() + " (" + shop.statusReason() + ")";
            if (shop.resources().isEmpty()) {
                table.row(shop.shopDomain(), status, "-", "not started", "-", "-", "-", "-");
            }
            for (SyncStatus.ResourceStatus r : shop.resources()) {
                // while importing: done/total from the Count query; afterwards: objects written so far
                String rows = r.rowsTotal() == null || !"BACKFILL".equals(r.phase())
                        ? Long.toString(r.rowsDone()) : r.rowsDone() + "/" + r.rowsTotal();
                table.row(shop.shopDomain(), status, r.resource(), r.phase(), rows, Table.duration(r.lag()),
                        Table.instant(r.lastSuccessAt()), r.lastError());
            }
        }
        table.print(out);
    }
}
