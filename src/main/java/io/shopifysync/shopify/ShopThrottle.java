package io.shopifysync.shopify;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Our mirror of one shop's leaky bucket, shared by every route that calls that shop. Before a call we
 * reserve its estimated cost and wait exactly as long as the bucket needs to refill; after it we copy
 * {@code extensions.cost.throttleStatus}. Until the shop has answered once we assume the smallest plan.
 */
public final class ShopThrottle {

    private final LongSupplier nanoClock;
    private double maximum = 1000;
    private double available = 1000;
    private double restoreRate = 50;
    private long observedAt;
    private final AtomicLong waits = new AtomicLong();
    private final AtomicLong waitedMillis = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();

    public ShopThrottle(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.observedAt = nanoClock.getAsLong();
    }

    /** Takes {@code cost} points from the bucket; returns how many milliseconds to wait before sending. */
    public synchronized long reserve(int cost) {
        refill();
        double needed = Math.min(cost, maximum);
        double deficit = needed - available;
        available -= needed;
        if (deficit <= 0) {
            return 0;
        }
        long wait = (long) Math.ceil(deficit * 1000 / restoreRate);
        waits.incrementAndGet();
        waitedMillis.addAndGet(wait);
        return wait;
    }

    /** Copies the bucket the shop reported in {@code extensions.cost.throttleStatus}. */
    public synchronized void observe(double maximumAvailable, double currentlyAvailable, double restoreRatePerSecond) {
        if (maximumAvailable > 0 && restoreRatePerSecond > 0) {
            maximum = maximumAvailable;
            restoreRate = restoreRatePerSecond;
        }
        available = currentlyAvailable;
        observedAt = nanoClock.getAsLong();
    }

    /**
     * After a THROTTLED answer: how long until {@code requestedCost} points are back (never a busy retry).
     * Nothing is taken from the bucket here: the retry reserves its points itself.
     */
    public synchronized long throttled(int requestedCost, double maximumAvailable, double currentlyAvailable,
                                       double restoreRatePerSecond) {
        throttled.incrementAndGet();
        observe(maximumAvailable, currentlyAvailable, restoreRatePerSecond);
        double deficit = Math.min(requestedCost, maximum) - available;
        long wait = deficit <= 0 ? 0 : (long) Math.ceil(deficit * 1000 / restoreRate);
        waits.incrementAndGet();
        waitedMillis.addAndGet(wait);
        return wait;
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        available = Math.min(maximum, available + (now - observedAt) / 1e9 * restoreRate);
        observedAt = now;
    }

    public synchronized double maximum() {
        return maximum;
    }

    public synchronized double restoreRate() {
        return restoreRate;
    }

    public synchronized double available() {
        refill();
        return available;
    }

    public long waits() {
        return waits.get();
    }

    public long waitedMillis() {
        return waitedMillis.get();
    }

    public long throttledCount() {
        return throttled.get();
    }
}
