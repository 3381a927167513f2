package io.shopifysync.shopify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bucket arithmetic, on a clock the test moves by hand. */
class ShopThrottleTest {

    private final long[] nanos = {0};
    private ShopThrottle throttle;

    @BeforeEach
    void setUp() {
        throttle = new ShopThrottle(() -> nanos[0]);
    }

    private void advanceMillis(long millis) {
        nanos[0] += millis * 1_000_000L;
    }

    /** An answer that reported this bucket (for a call that reserved nothing). */
    private void known(double max, double available, double restore) {
        throttle.answered(0, max, available, restore, false);
    }

    @Test
    void afterA429NoCallerGetsPointsUntilRetryAfterHasPassed() {
        nanos[0] = -5_000_000_000L; // System.nanoTime may be negative: a fresh throttle is not blocked
        throttle = new ShopThrottle(() -> nanos[0]);
        known(1000, 1000, 50);
        assertThat(throttle.tryAcquire(10)).isZero();
        throttle.pauseFor(1500);
        assertThat(throttle.tryAcquire(10)).as("capped at one look per second").isEqualTo(ShopThrottle.MAX_WAIT_MILLIS);
        advanceMillis(1000);
        assertThat(throttle.tryAcquire(10)).isEqualTo(500);
        throttle.pauseFor(200); // a shorter pause does not end a longer one
        assertThat(throttle.tryAcquire(10)).isEqualTo(500);
        advanceMillis(500);
        assertThat(throttle.tryAcquire(10)).isZero();
    }

    @Test
    void anUnknownShopGetsOneCallAtATimeUntilItAnswers() {
        assertThat(throttle.known()).isFalse();
        assertThat(throttle.tryAcquire(400)).isZero();
        assertThat(throttle.tryAcquire(10)).isEqualTo(ShopThrottle.FIRST_ANSWER_WAIT_MILLIS);
        throttle.answered(400, 2000, 1600, 100, false);
        assertThat(throttle.known()).isTrue();
        assertThat(throttle.maximum()).isEqualTo(2000);
        assertThat(throttle.restoreRate()).isEqualTo(100);
        assertThat(throttle.tryAcquire(10)).isZero();
        assertThat(throttle.available()).isEqualTo(1590);
    }

    @Test
    void withinTheBucketNoWaitBeyondItTheDeficitOverTheRestoreRate() {
        known(2000, 2000, 100);
        assertThat(throttle.tryAcquire(1950)).isZero();
        assertThat(throttle.tryAcquire(100)).isEqualTo(500);      // (100 - 50) / 100 per s
        assertThat(throttle.available()).as("nothing taken by a call told to wait").isEqualTo(50);
        advanceMillis(500);
        assertThat(throttle.tryAcquire(100)).isZero();
        assertThat(throttle.available()).isZero();
    }

    @Test
    void integerDeficitsGiveExactlyTheirWait() {
        known(2000, 0, 500);
        assertThat(throttle.tryAcquire(403)).isEqualTo(806);      // 403 * 1000 / 500, no floating-point excess
        known(2000, 0, 3);
        assertThat(throttle.tryAcquire(1)).isEqualTo(334);        // 333.33… rounded up
    }

    @Test
    void longWaitsAreCutIntoRechecksOfAtMostASecond() {
        known(1000, 0, 50);
        assertThat(throttle.tryAcquire(1000)).isEqualTo(ShopThrottle.MAX_WAIT_MILLIS);
        advanceMillis(1000);
        assertThat(throttle.tryAcquire(1000)).isEqualTo(ShopThrottle.MAX_WAIT_MILLIS); // 950 missing = 19 s
        throttle.answered(0, 1000, 1000, 50, false); // a fresher answer says the bucket is full
        assertThat(throttle.tryAcquire(1000)).isZero();
    }

    @Test
    void anAnswerKeepsThePointsOtherCallsHaveReservedButNotSpent() {
        known(2000, 2000, 100);
        assertThat(throttle.tryAcquire(500)).isZero(); // A
        assertThat(throttle.tryAcquire(500)).isZero(); // B, still in flight when A answers
        throttle.answered(500, 2000, 1500, 100, false); // the shop has seen A only
        assertThat(throttle.available()).isEqualTo(1000); // 1500 reported - 500 still reserved by B
    }

    @Test
    void afterAThrottledAnswerTheRetryWaitsOnlyTheDeficitOnce() {
        known(1000, 1000, 50);
        assertThat(throttle.tryAcquire(507)).isZero();
        throttle.answered(507, 1000, 493, 50, true);               // fixtures/graphql/throttled.json
        assertThat(throttle.throttledCount()).isEqualTo(1);
        assertThat(throttle.tryAcquire(507)).isEqualTo(280);       // (507 - 493) / 50 per s
        advanceMillis(280);
        assertThat(throttle.tryAcquire(507)).as("the retry is charged once").isZero();
    }

    @Test
    void aFailedCallGivesItsPointsBack() {
        known(1000, 1000, 50);
        assertThat(throttle.tryAcquire(600)).isZero();
        throttle.answered(600, 0, 0, 0, false); // 5xx without a cost block
        assertThat(throttle.available()).isEqualTo(1000);
    }

    @Test
    void aCostAboveTheMaximumIsCappedSoItNeverWaitsForever() {
        known(1000, 1000, 50);
        assertThat(throttle.tryAcquire(5000)).isZero();
        assertThat(throttle.available()).isZero();
    }

    @Test
    void concurrentCallersNeverOverdrawTheBucket() throws Exception {
        known(1000, 1000, 50);
        AtomicInteger granted = new AtomicInteger();
        Thread[] threads = new Thread[8];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                if (throttle.tryAcquire(300) == 0) {
                    granted.incrementAndGet();
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(granted.get()).isEqualTo(3);                    // 3 × 300 ≤ 1000 < 4 × 300
        assertThat(throttle.available()).isEqualTo(100);
    }

    @Test
    void countersAccumulate() {
        known(1000, 0, 50);
        throttle.tryAcquire(10);                                   // 200 ms
        throttle.tryAcquire(20);                                   // 400 ms
        assertThat(throttle.waits()).isEqualTo(2);
        assertThat(throttle.waitedMillis()).isEqualTo(600);
    }

    /** Runs each call on one and the same other thread (its own place in the queue). */
    private static long on(ExecutorService caller, java.util.concurrent.Callable<Long> call) throws Exception {
        return caller.submit(call).get();
    }

    @Test
    void aCostlyCallIsNotStarvedByAStreamOfCheapOnes() throws Exception {
        known(1000, 0, 1000);
        ExecutorService costly = Executors.newSingleThreadExecutor();
        try {
            assertThat(on(costly, () -> throttle.tryAcquire(800))).isEqualTo(800);
            for (int step = 1; step < 8; step++) {
                advanceMillis(100); // 100 points restored: enough for a cheap call, not for the costly one
                assertThat(throttle.tryAcquire(100)).as("a cheap call queues behind the costly one").isPositive();
            }
            advanceMillis(100);
            assertThat(on(costly, () -> throttle.tryAcquire(800))).as("served once its 800 points are back").isZero();
            assertThat(throttle.queued()).isEqualTo(1);
            advanceMillis(100);
            assertThat(throttle.tryAcquire(100)).as("then the cheap call, next in line").isZero();
            assertThat(throttle.queued()).isZero();
        } finally {
            costly.shutdownNow();
        }
    }

    @Test
    void aCallerBehindTheQueueWaitsEvenWhenThePointsWouldCoverEveryone() throws Exception {
        known(1000, 0, 1000);
        ExecutorService first = Executors.newSingleThreadExecutor();
        try {
            assertThat(on(first, () -> throttle.tryAcquire(800))).isPositive();
            advanceMillis(1000); // the bucket is full again, and the first caller has not come back yet
            assertThat(throttle.tryAcquire(100)).as("behind the first caller: a positive wait, never a negative one")
                    .isPositive();
            assertThat(throttle.waitedMillis()).as("the waited-time counter only grows").isPositive();
            assertThat(on(first, () -> throttle.tryAcquire(800))).isZero();
            assertThat(throttle.tryAcquire(100)).isZero();
        } finally {
            first.shutdownNow();
        }
    }

    @Test
    void aWaiterThatLeavesOrDiesNoLongerHoldsTheQueue() throws Exception {
        known(1000, 0, 1000);
        ExecutorService leaving = Executors.newSingleThreadExecutor();
        try {
            assertThat(on(leaving, () -> throttle.tryAcquire(900))).isPositive();
            on(leaving, () -> {
                throttle.leave();
                return 0L;
            });
        } finally {
            leaving.shutdownNow();
        }
        Thread dying = new Thread(() -> throttle.tryAcquire(900));
        dying.start();
        dying.join();
        assertThat(throttle.queued()).isEqualTo(1);
        advanceMillis(100);
        assertThat(throttle.tryAcquire(100)).isZero();
        assertThat(throttle.queued()).isZero();
    }
}
