package io.shopifysync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of the PostgreSQL backends serving one database, from /proc/PID/stat (the server runs on this machine;
 * pg_stat_statements is not preloaded here). A backend seen at the first sample counts from then, a later one from its
 * start; the sampling connection itself is left out.
 */
final class PgBackendCpu implements AutoCloseable {

    /** USER_HZ: /proc reports CPU in clock ticks of 1/100 s on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final Connection c;
    private final int self;
    private final Map<Long, Long> first = new HashMap<>();
    private final Map<Long, Long> last = new HashMap<>();
    private boolean started;

    PgBackendCpu(String url) throws Exception {
        c = DriverManager.getConnection(url, "postgres", "");
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_backend_pid()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            self = rs.getInt(1);
        }
        sample();
        started = true;
    }

    void sample() throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE datname = current_database()");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long pid = rs.getLong(1);
                if (pid == self) {
                    continue;
                }
                long ticks = ticks(pid);
                if (ticks < 0) {
                    continue;
                }
                first.putIfAbsent(pid, started ? 0L : ticks);
                last.put(pid, ticks);
            }
        }
    }

    /** CPU used since the first sample by the backends seen. */
    long nanos() {
        long sum = 0;
        for (Map.Entry<Long, Long> e : last.entrySet()) {
            sum += e.getValue() - first.get(e.getKey());
        }
        return sum * NANOS_PER_TICK;
    }

    /**
     * CPU of a JVM's threads by what they do, from /proc/PID/task: "JIT" (the C1 and C2 compiler threads), "GC" (G1's
     * and the parallel GC threads), "other" (the application's threads, the VM thread, ...). A thread that has exited
     * is not counted, so take deltas over a window in which the JVM keeps its threads (dynamic compiler threads may not).
     */
    static Map<String, Long> threadGroupNanos(long pid) {
        Map<String, Long> out = new HashMap<>(Map.of("JIT", 0L, "GC", 0L, "other", 0L));
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long nanos = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
                    String group = name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "JIT"
                            : name.startsWith("GC Thread") || name.startsWith("G1 ") ? "GC" : "other";
                    out.merge(group, nanos, Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return out;
    }

    /** utime + stime of a process in ticks, or -1 when it is gone. */
    static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long processNanos(long pid) {
        long t = ticks(pid);
        return t < 0 ? 0 : t * NANOS_PER_TICK;
    }

    @Override
    public void close() throws Exception {
        c.close();
    }
}
