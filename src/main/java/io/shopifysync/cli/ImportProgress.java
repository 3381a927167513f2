package io.shopifysync.cli;

import io.shopifysync.status.StatusReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Progress bars for one shop's import, redrawn from {@code sync_state}: objects done / total (from the
 * Count queries), rate and ETA per resource. On a terminal the block is redrawn in place; otherwise a
 * plain line per resource is printed each time.
 */
final class ImportProgress {

    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final boolean ansi;
    private final Map<String, long[]> previous = new HashMap<>(); // resource -> {rowsDone, nanos}
    private final Map<String, String> printed = new HashMap<>(); // resource -> rows and phase last printed (no terminal)
    private int linesDrawn;

    ImportProgress(PrintWriter out, boolean ansi) {
        this.out = out;
        this.ansi = ansi;
    }

    void draw(StatusReport.ShopStatus shop) {
        if (ansi && linesDrawn > 0) {
            out.print("\u001b[" + linesDrawn + "F");
        }
        List<StatusReport.ResourceStatus> resources = shop.resources();
        for (StatusReport.ResourceStatus r : resources) {
            String line = line(r, System.nanoTime());
            if (ansi) {
                out.print(line + "\u001b[K\n");
            } else if (!(r.rowsDone() + r.phase()).equals(printed.put(r.resource(), r.rowsDone() + r.phase()))) {
                out.println(line); // without a terminal, a line only when that resource moved
            }
        }
        linesDrawn = resources.size();
        out.flush();
    }

    String line(StatusReport.ResourceStatus r, long now) {
        boolean done = "INCREMENTAL".equals(r.phase());
        long total = r.rowsTotal() == null ? 0 : r.rowsTotal();
        long doneRows = r.rowsDone();
        double fraction = done ? 1 : total <= 0 ? 0 : Math.min(1, doneRows / (double) total);
        int filled = (int) Math.round(fraction * WIDTH);
        long[] prev = previous.put(r.resource(), new long[] {doneRows, now});
        double rate = prev == null || now == prev[1] ? 0 : (doneRows - prev[0]) / ((now - prev[1]) / 1e9);
        String eta = done ? "done" : rate > 0 && total > doneRows
                ? "ETA " + Table.duration(Duration.ofSeconds((long) Math.ceil((total - doneRows) / rate))) : "";
        String counts = total > 0 ? doneRows + "/" + total : Long.toString(doneRows);
        String error = r.lastError() == null || done ? "" : "  (" + abbreviate(r.lastError()) + ")";
        return String.format("%-20s [%s%s] %5.1f%%  %-15s %8.0f/s  %s%s", r.resource(), "#".repeat(filled),
                ".".repeat(WIDTH - filled), fraction * 100, counts, Math.max(0, rate), eta, error);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 59) + "…";
    }
}
