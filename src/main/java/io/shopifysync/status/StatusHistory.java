package io.shopifysync.status;

import io.shopifysync.db.Jdbc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status page's chart data: samples written every interval by {@link StatusSampler}, turned into rows
 * written per second (difference of consecutive samples of one shop and resource) and the largest lag, per resource.
 */
public final class StatusHistory {

    /** One stored sample of one shop and resource. */
    public record Sample(Instant at, String shop, String resource, long rowsWritten, long rowsLive, Long lagSeconds) {
    }

    /** One point of a resource's series: rows/s since the previous sample (summed over shops) and the largest lag. */
    public record Point(Instant at, Double rowsPerSecond, Long lagSeconds) {
    }

    /** One resource's points, oldest first. */
    public record Series(String resource, List<Point> points) {
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final Duration window;

    public StatusHistory(Jdbc jdbc, Clock clock, Duration window) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.window = window;
    }

    public List<Series> read() {
        // one extra sample before the window, so its first point has a rate too
        OffsetDateTime since = OffsetDateTime.now(clock).minus(window).minusMinutes(1).withOffsetSameInstant(ZoneOffset.UTC);
        List<Sample> samples = jdbc.query("select-status-samples-since", rs -> {
            long lag = rs.getLong("lag_seconds");
            Long lagOrNull = rs.wasNull() ? null : lag;
            return new Sample(rs.getObject("sampled_at", OffsetDateTime.class).toInstant(), rs.getString("shop_domain"),
                    rs.getString("resource"), rs.getLong("rows_written"), rs.getLong("rows_live"), lagOrNull);
        }, since);
        Instant from = clock.instant().minus(window);
        return series(samples).stream()
                .map(s -> new Series(s.resource(), s.points().stream().filter(p -> !p.at().isBefore(from)).toList()))
                .toList();
    }

    /**
     * Per resource, one point per sample time: rows/s is the sum over shops of (rows written now − at the
     * shop's previous sample) / seconds between them, null when no shop has a previous sample or a counter went
     * back (the shop was re-imported); lag is the largest lag of any shop at that time.
     */
    public static List<Series> series(List<Sample> samples) {
        Map<String, Map<String, List<Sample>>> byResourceAndShop = new TreeMap<>();
        for (Sample s : samples) {
            byResourceAndShop.computeIfAbsent(s.resource(), r -> new TreeMap<>())
                    .computeIfAbsent(s.shop(), x -> new ArrayList<>()).add(s);
        }
        List<Series> out = new ArrayList<>();
        for (var resource : byResourceAndShop.entrySet()) {
            Map<Instant, Double> rate = new TreeMap<>();
            Map<Instant, Long> lag = new TreeMap<>();
            for (List<Sample> shopSamples : resource.getValue().values()) {
                shopSamples.sort((a, b) -> a.at().compareTo(b.at()));
                Sample previous = null;
                for (Sample s : shopSamples) {
                    rate.putIfAbsent(s.at(), null); // a point even before any rate is known
                    if (s.lagSeconds() != null) {
                        lag.merge(s.at(), s.lagSeconds(), Math::max);
                    }
                    Double r = rowsPerSecond(previous, s);
                    if (r != null) {
                        rate.merge(s.at(), r, Double::sum);
                    }
                    previous = s;
                }
            }
            List<Point> points = new ArrayList<>();
            for (var e : rate.entrySet()) {
                points.add(new Point(e.getKey(), e.getValue(), lag.get(e.getKey())));
            }
            out.add(new Series(resource.getKey(), List.copyOf(points)));
        }
        return List.copyOf(out);
    }

    /** Rows written per second between two samples of one shop and resource; null without a usable previous one. */
    static Double rowsPerSecond(Sample previous, Sample current) {
        if (previous == null || current.rowsWritten() < previous.rowsWritten()) {
            return null;
        }
        double seconds = Duration.between(previous.at(), current.at()).toMillis() / 1000.0;
        return seconds <= 0 ? null : (current.rowsWritten() - previous.rowsWritten()) / seconds;
    }
}
