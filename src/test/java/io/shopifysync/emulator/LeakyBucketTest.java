package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeakyBucketTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private void advanceMillis(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }

    @Test
    void planLimitsAreShopifys() {
        assertThat(LeakyBucket.planLimits("basic")).containsExactly(2000, 100);
        assertThat(LeakyBucket.planLimits("advanced")).containsExactly(4000, 200);
        assertThat(LeakyBucket.planLimits("PLUS")).containsExactly(20000, 1000);
        assertThatThrownBy(() -> LeakyBucket.planLimits("gold")).hasMessageContaining("unknown plan");
    }

    @Test
    void startsFullAndTakesTheRequestedCostUpFront() {
        LeakyBucket b = LeakyBucket.forPlan("basic", nanos::get);
        assertThat(b.status().currentlyAvailable()).isEqualTo(2000);
        assertThat(b.tryTake(752)).isTrue();
        assertThat(b.status().currentlyAvailable()).isEqualTo(1248);
    }

    @Test
    void refundsTheDifferenceToTheActualCost() {
        LeakyBucket b = LeakyBucket.forPlan("basic", nanos::get);
        b.tryTake(752);
        b.refund(752 - 14);
        assertThat(b.status().currentlyAvailable()).isEqualTo(2000 - 14);
    }

    @Test
    void restoresContinuouslyAtTheRestoreRateUpToTheMaximum() {
        LeakyBucket b = LeakyBucket.forPlan("basic", nanos::get);
        b.tryTake(1000);
        advanceMillis(2500);
        assertThat(b.status().currentlyAvailable()).isCloseTo(1250, within(1e-6));
        advanceMillis(60_000);
        assertThat(b.status().currentlyAvailable()).isEqualTo(2000);
        b.refund(500);
        assertThat(b.status().currentlyAvailable()).isEqualTo(2000);
    }

    @Test
    void refusesARequestedCostAboveWhatIsAvailableAndTakesNothing() {
        LeakyBucket b = new LeakyBucket(1000, 50, nanos::get);
        assertThat(b.tryTake(600)).isTrue();
        assertThat(b.tryTake(507)).isFalse();
        assertThat(b.status().currentlyAvailable()).isEqualTo(400);
        advanceMillis(2140); // +107
        assertThat(b.tryTake(507)).isTrue();
        assertThat(b.status().currentlyAvailable()).isCloseTo(0, within(1e-6));
    }

    @Test
    void drainAndReconfigure() {
        LeakyBucket b = LeakyBucket.forPlan("plus", nanos::get);
        b.drainTo(10);
        assertThat(b.status().currentlyAvailable()).isEqualTo(10);
        advanceMillis(1000);
        assertThat(b.status().currentlyAvailable()).isEqualTo(1010);
        b.configure(2000, 100);
        assertThat(b.status()).isEqualTo(new LeakyBucket.Status(2000, 1010, 100));
        b.drainTo(5000);
        assertThat(b.status().currentlyAvailable()).isEqualTo(2000);
    }

    @Test
    void aClockThatDoesNotMoveRestoresNothing() {
        LeakyBucket b = new LeakyBucket(100, 10, nanos::get);
        b.tryTake(100);
        assertThat(b.status().currentlyAvailable()).isZero();
        assertThat(b.tryTake(1)).isFalse();
    }
}
