package io.shopifysync.cli;

import io.shopifysync.db.Database;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.status.StatusReport;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
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

    /** The status table of every shop and resource: the same report as the status page's. */
    void print(Database db, PrintWriter out) {
        StatusReport.Report report = new StatusReport(db, Catalog.load(), Clock.systemUTC()).build();
        List<StatusReport.Entry> entries = report.entries();
        if (entries.isEmpty()) {
            out.println("no stores registered; add one with: shopify-sync accounts add --shop NAME.myshopify.com --token TOKEN");
            out.flush();
            return;
        }
        Table table = new Table("SHOP", "STATUS", "RESOURCE", "PHASE", "ROWS", "WRITTEN", "LAG", "LAST SUCCESS", "LAST ERROR");
        for (StatusReport.Entry e : entries) {
            String status = e.shopStatusReason() == null ? e.shopStatus() : e.shopStatus() + " (" + e.shopStatusReason() + ")";
            String detail = e.shopStatusDetail();
            status = detail.isEmpty() ? status : status + " [" + detail + "]";
            if (e.resource() == null) {
                table.row(e.shop(), status, "-", "not started", "-", "-", "-", "-", "-");
                continue;
            }
            // while importing: written/total from the Count query; afterwards: objects written so far
            String written = e.rowsTotal() == null || !"BACKFILL".equals(e.phase())
                    ? Long.toString(e.rowsWritten()) : e.rowsWritten() + "/" + e.rowsTotal();
            // a resource the store refused is paused alone: its phase says so, the reason is its last error
            String phase = e.pausedReason() == null ? e.phase() : e.phase() + " PAUSED";
            String error = e.pausedReason() != null ? "paused: " + e.pausedReason()
                    : e.importMode() != null && e.importMode().contains("(") && e.lastError() == null ? "import " + e.importMode() : e.lastError();
            table.row(e.shop(), status, e.resource(), phase, e.rows(), written,
                    Table.duration(e.lagSeconds() == null ? null : Duration.ofSeconds(e.lagSeconds())),
                    Table.instant(e.lastSuccessAt()), error);
        }
        table.print(out);
        printAccess(report.shops(), out);
    }

    /** Each shop's granted access scopes and what a missing one means (e.g. order history limited to 60 days). */
    private static void printAccess(List<StatusReport.ShopAccess> shops, PrintWriter out) {
        for (StatusReport.ShopAccess a : shops) {
            out.println(a.shop() + " access scopes: " + (a.accessScopes() == null ? "not read yet"
                    : String.join(", ", a.accessScopes()) + " (read " + Table.instant(a.checkedAt()) + ")"));
            for (String note : a.notes()) {
                out.println("  note: " + note);
            }
        }
        out.flush();
    }
}
