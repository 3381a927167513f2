package io.shopifysync.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.status.StatusHistory.Point;
import io.shopifysync.status.StatusHistory.Sample;
import io.shopifysync.status.StatusHistory.Series;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart's maths: rows/s from consecutive samples of each shop, summed per resource; lag is the largest. */
class StatusHistoryTest {

    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

    private static Sample s(int second, String shop, String resource, long written, Long lag) {
        return new Sample(T0.plusSeconds(second), shop, resource, written, 0, lag);
    }

    @Test
    void ratesAreSummedOverShopsAndLagIsTheLargest() {
        List<Series> series = StatusHistory.series(List.of(
                s(0, "a", "orders", 0, 5L), s(60, "a", "orders", 60, 7L), s(120, "a", "orders", 180, 2L),
                s(60, "b", "orders", 10, 30L), s(120, "b", "orders", 70, null),
                s(0, "a", "products", 100, 1L), s(60, "a", "products", 100, 61L)));

        assertThat(series).extracting(Series::resource).containsExactly("orders", "products");
        assertThat(series.get(0).points()).containsExactly(
                new Point(T0, null, 5L),                    // no earlier sample: no rate yet
                new Point(T0.plusSeconds(60), 1.0, 30L),    // a: 60 rows in 60 s; b has no previous sample
                new Point(T0.plusSeconds(120), 3.0, 2L));   // a: 120/60 + b: 60/60; b's lag unknown
        assertThat(series.get(1).points()).containsExactly(new Point(T0, null, 1L), new Point(T0.plusSeconds(60), 0.0, 61L));
    }

    @Test
    void aCounterThatWentBackGivesNoRate() {
        Sample before = s(0, "a", "orders", 500, 1L);
        Sample reimported = s(60, "a", "orders", 20, 1L);
        assertThat(StatusHistory.rowsPerSecond(before, reimported)).isNull();
        assertThat(StatusHistory.rowsPerSecond(null, reimported)).isNull();
        assertThat(StatusHistory.rowsPerSecond(reimported, s(90, "a", "orders", 35, 1L))).isEqualTo(0.5);
    }

    @Test
    void samplesFallIntoIntervalBuckets() {
        assertThat(StatusSampler.bucketOf(Instant.parse("2026-01-01T12:34:56.700Z"), Duration.ofMinutes(1)))
                .isEqualTo(OffsetDateTime.parse("2026-01-01T12:34:00Z"));
        assertThat(StatusSampler.bucketOf(Instant.parse("2026-01-01T12:34:56.700Z"), Duration.ofSeconds(5)))
                .isEqualTo(OffsetDateTime.parse("2026-01-01T12:34:55Z"));
    }
}
