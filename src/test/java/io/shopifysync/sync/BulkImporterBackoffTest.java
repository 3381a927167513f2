package io.shopifysync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link BulkImporter#backoff}: 1 s, 2 s, 4 s … capped at 5 minutes, with jitter in [base/2, base]. */
class BulkImporterBackoffTest {

    private static final int SAMPLES = 2000;
    private static final long FIVE_MINUTES = 300_000L;

    /** min(300000, 1000 << attempts), written out by hand for the first attempts. */
    private static final long[] BASE = {1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000,
            300_000, 300_000, 300_000};

    private static long[] sample(int attempts) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < SAMPLES; i++) {
            long ms = BulkImporter.backoff(attempts).toMillis();
            min = Math.min(min, ms);
            max = Math.max(max, ms);
        }
        return new long[] {min, max};
    }

    @Test
    void staysWithinHalfTheBaseAndTheBase() {
        for (int attempts = 0; attempts < BASE.length; attempts++) {
            long base = BASE[attempts];
            long[] mm = sample(attempts);
            assertThat(mm[0]).as("min at attempt %d", attempts).isGreaterThanOrEqualTo(base / 2);
            assertThat(mm[1]).as("max at attempt %d", attempts).isLessThanOrEqualTo(base);
        }
    }

    @Test
    void theFirstBackoffIsBetweenHalfASecondAndOneSecond() {
        for (int i = 0; i < SAMPLES; i++) {
            Duration d = BulkImporter.backoff(0);
            assertThat(d).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        }
    }

    @Test
    void neverExceedsFiveMinutes() {
        for (int attempts : new int[] {8, 9, 10, 17, 18, 19, 30, 31, 32, 63, 64, 1000, Integer.MAX_VALUE}) {
            long[] mm = sample(attempts);
            assertThat(mm[1]).as("attempt %d", attempts).isLessThanOrEqualTo(FIVE_MINUTES);
            assertThat(mm[0]).as("attempt %d", attempts).isGreaterThanOrEqualTo(attempts >= 9 ? FIVE_MINUTES / 2 : 128_000);
        }
    }

    @Test
    void growsWithAttempts() {
        // the ranges [b/2, b] and [b, 2b] touch, so every draw of attempt n+1 is >= every draw of attempt n
        long previousMax = 0;
        for (int attempts = 0; attempts <= 8; attempts++) {
            long[] mm = sample(attempts);
            assertThat(mm[0]).as("attempt %d", attempts).isGreaterThanOrEqualTo(previousMax);
            previousMax = mm[1];
        }
        // and the average doubles until the cap
        assertThat(average(4)).isGreaterThan(average(3) * 1.8).isLessThan(average(3) * 2.2);
    }

    @Test
    void isJittered() {
        Set<Long> distinct = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            distinct.add(BulkImporter.backoff(5).toMillis());
        }
        assertThat(distinct).hasSizeGreaterThan(50);
        // the draws spread over the whole range, not one corner of it
        long[] mm = sample(5);
        assertThat(mm[0]).isLessThan(16_000 + 1_600);  // near base/2 = 16000
        assertThat(mm[1]).isGreaterThan(32_000 - 1_600); // near base = 32000
    }

    private static double average(int attempts) {
        double sum = 0;
        for (int i = 0; i < SAMPLES; i++) {
            sum += BulkImporter.backoff(attempts).toMillis();
        }
        return sum / SAMPLES;
    }
}
