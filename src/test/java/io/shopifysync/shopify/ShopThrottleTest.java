package io.shopifysync.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ShopThrottle} on a fake nano clock: the defaults are the smallest plan, 1000 points at 50/s. */
class ShopThrottleTest {

    private static final long MS = 1_000_000L;

    private final long[] now = {5_000_000_000L};
    private ShopThrottle throttle;

    @BeforeEach
    void setUp() {
        throttle = new ShopThrottle(() -> now[0]);
    }

    private void advanceMillis(long millis) {
        now[0] += millis * MS;
    }

    @Test
    void startsAsTheSmallestPlan() {
        assertThat(throttle.maximum()).isEqualTo(1000.0);
        assertThat(throttle.restoreRate()).isEqualTo(50.0);
        assertThat(throttle.available()).isEqualTo(1000.0);
    }

    @Test
    void reserveWithinBudgetDoesNotWait() {
        assertThat(throttle.reserve(400)).isZero();
        assertThat(throttle.reserve(600)).isZero(); // exactly empties the bucket
        assertThat(throttle.available()).isEqualTo(0.0);
        assertThat(throttle.waits()).isZero();
        assertThat(throttle.waitedMillis()).isZero();
    }

    @Test
    void reserveBeyondWaitsTheDeficitOverTheRestoreRate() {
        assertThat(throttle.reserve(900)).isZero();     // 100 left
        // deficit 250 - 100 = 150 points at 50/s → 3000 ms
        assertThat(throttle.reserve(250)).isEqualTo(3000);
        assertThat(throttle.available()).isEqualTo(-150.0);
        assertThat(throttle.waits()).isEqualTo(1);
        assertThat(throttle.waitedMillis()).isEqualTo(3000);
    }

    @Test
    void aFractionalWaitIsRoundedUpToTheNextMillisecond() {
        throttle.observe(1000, 0, 3);                     // 3 points/s, empty bucket
        // 1 point at 3/s = 333.33… ms → 334
        assertThat(throttle.reserve(1)).isEqualTo(334);
        // 7 points at 50/s = 140 ms exactly (not 141)
        throttle.observe(1000, 0, 50);
        assertThat(throttle.reserve(7)).isEqualTo(140);
    }

    @Test
    void integerDeficitsGiveExactlyTheirWait() {
        // ceil(403 / 50 × 1000) = ceil(8060) = 8060 ms. The wait must be exact, not off by one from rounding.
        assertThat(throttle.reserve(1000)).isZero();
        assertThat(throttle.reserve(403)).isEqualTo(8060);
        // and at 100/s: ceil(403 / 100 × 1000) = 4030
        throttle.observe(2000, 0, 100);
        assertThat(throttle.reserve(403)).isEqualTo(4030);
    }

    @Test
    void theBucketRefillsOverTimeUpToItsMaximum() {
        assertThat(throttle.reserve(1000)).isZero();
        advanceMillis(2000);                              // + 2 s × 50 = 100
        assertThat(throttle.available()).isCloseTo(100.0, within(1e-9));
        assertThat(throttle.reserve(100)).isZero();
        advanceMillis(500);                               // + 25
        // deficit 60 - 25 = 35 at 50/s → 700 ms
        assertThat(throttle.reserve(60)).isEqualTo(700);
        advanceMillis(700);                               // the wait brings the bucket back to 0
        assertThat(throttle.available()).isCloseTo(0.0, within(1e-6));
        advanceMillis(3_600_000);                         // an hour: capped at the maximum
        assertThat(throttle.available()).isEqualTo(1000.0);
    }

    @Test
    void aCallerThatWaitedTheReturnedTimeFindsItsPointsBack() {
        assertThat(throttle.reserve(1000)).isZero();
        long wait = throttle.reserve(300);                // 300 / 50 = 6000 ms
        assertThat(wait).isEqualTo(6000);
        advanceMillis(wait);
        assertThat(throttle.available()).isCloseTo(0.0, within(1e-6));
        assertThat(throttle.reserve(0)).isZero();
    }

    @Test
    void observeCopiesTheReportedBucket() {
        advanceMillis(10);
        throttle.observe(2000.0, 1234.5, 100.0);
        assertThat(throttle.maximum()).isEqualTo(2000.0);
        assertThat(throttle.restoreRate()).isEqualTo(100.0);
        assertThat(throttle.available()).isEqualTo(1234.5);
        // refill from the observation on, at the observed rate: 1 s × 100
        advanceMillis(1000);
        assertThat(throttle.available()).isCloseTo(1334.5, within(1e-9));
        // the new maximum caps the refill
        advanceMillis(60_000);
        assertThat(throttle.available()).isEqualTo(2000.0);
    }

    @Test
    void observeWithoutAMaximumKeepsTheKnownLimits() {
        throttle.observe(20000, 19000, 1000);
        throttle.observe(0, 500, 0);                      // a status block without limits
        assertThat(throttle.maximum()).isEqualTo(20000.0);
        assertThat(throttle.restoreRate()).isEqualTo(1000.0);
        assertThat(throttle.available()).isEqualTo(500.0);
    }

    @Test
    void throttledReturnsTheDeficitOverTheRestoreRateAndCountsIt() {
        // fixtures/graphql/throttled.json: requested 507, maximum 1000, currently 493, restore 50
        long wait = throttle.throttled(507, 1000.0, 493, 50.0);
        // deficit 507 - 493 = 14 points at 50/s → 280 ms
        assertThat(wait).isEqualTo(280);
        assertThat(throttle.throttledCount()).isEqualTo(1);
        assertThat(throttle.waits()).isEqualTo(1);
        assertThat(throttle.waitedMillis()).isEqualTo(280);
        assertThat(throttle.maximum()).isEqualTo(1000.0);
        assertThat(throttle.restoreRate()).isEqualTo(50.0);

        // on a Plus bucket: 1500 requested, 200 available, 1000/s → 1300 ms
        assertThat(throttle.throttled(1500, 20000, 200, 1000)).isEqualTo(1300);
        assertThat(throttle.throttledCount()).isEqualTo(2);
        assertThat(throttle.waits()).isEqualTo(2);
        assertThat(throttle.waitedMillis()).isEqualTo(1580);
    }

    @Test
    void throttledCapsTheRequestAtTheMaximum() {
        // 5000 requested on a 1000 bucket with 0 left: wait for 1000 points, 20 s, not 100 s
        assertThat(throttle.throttled(5000, 1000, 0, 50)).isEqualTo(20_000);
    }

    @Test
    void afterAThrottledAnswerTheRetryWaitsOnlyTheDeficit() {
        // The sequence of ShopifyGraphql.execute: reserve the estimate, send, THROTTLED → throttled(...) and
        // pause its answer, then loop and reserve the same estimate again for the retry. README: "on THROTTLED
        // it waits exactly the deficit over the restore rate". With the recorded THROTTLED answer (507 requested,
        // 493 available, 50/s) that is 280 ms in all; after those 280 ms the 507 points are back.
        assertThat(throttle.reserve(507)).isZero();
        long first = throttle.throttled(507, 1000.0, 493, 50.0);
        assertThat(first).isEqualTo(280);
        advanceMillis(first);
        assertThat(throttle.reserve(507)).as("second wait before the retry of a THROTTLED call").isZero();
    }

    @Test
    void reservationsOfSeveralCallersQueueUp() {
        assertThat(throttle.reserve(1000)).isZero();
        // three callers at the same instant, 100 points each: 2 s, 4 s, 6 s
        long a = throttle.reserve(100);
        long b = throttle.reserve(100);
        long c = throttle.reserve(100);
        assertThat(a).isEqualTo(2000);
        assertThat(b).isEqualTo(4000).isGreaterThan(a);
        assertThat(c).isEqualTo(6000).isGreaterThan(b);
        assertThat(throttle.waits()).isEqualTo(3);
        assertThat(throttle.waitedMillis()).isEqualTo(12_000);
        // one second later a fourth caller waits behind all of them: deficit 300 + 100 - 50 = 350 → 7000 ms
        advanceMillis(1000);
        assertThat(throttle.reserve(100)).isEqualTo(7000);
    }

    @Test
    void concurrentCallersAllGetDistinctSlots() throws Exception {
        assertThat(throttle.reserve(1000)).isZero();
        int n = 8;
        long[] waits = new long[n];
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            threads[i] = new Thread(() -> waits[k] = throttle.reserve(50)); // 50 points = 1 s each
        }
        for (Thread t : threads) t.start();
        for (Thread t : threads) t.join();
        assertThat(waits).containsExactlyInAnyOrder(1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000);
        assertThat(throttle.waitedMillis()).isEqualTo(36_000);
    }

    @Test
    void aCostAboveTheMaximumIsCappedSoItNeverWaitsForever() {
        // a full bucket serves the whole maximum at once
        assertThat(throttle.reserve(5000)).isZero();
        assertThat(throttle.available()).isEqualTo(0.0);
        // an empty bucket: at most the time to fill it completely, 1000 / 50 = 20 s (not 5000 / 50 = 100 s)
        assertThat(throttle.reserve(5000)).isEqualTo(20_000);
        assertThat(throttle.reserve(Integer.MAX_VALUE)).isEqualTo(40_000);
    }

    @Test
    void countersAccumulate() {
        assertThat(throttle.reserve(1000)).isZero();
        throttle.reserve(10);                                 // 200 ms
        throttle.reserve(10);                                 // 400 ms
        throttle.throttled(10, 1000, 0, 50);                  // 200 ms, counted as throttled
        assertThat(throttle.waits()).isEqualTo(3);
        assertThat(throttle.waitedMillis()).isEqualTo(800);
        assertThat(throttle.throttledCount()).isEqualTo(1);
    }
}
