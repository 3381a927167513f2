package io.shopifysync.emulator;

import java.util.function.LongSupplier;

/**
 * Shopify's GraphQL leaky bucket for one app and shop: {@code maximumAvailable} points, restored at
 * {@code restoreRate} points per second. The requested cost of a query is taken up front
 * ({@link #tryTake}); the difference to the actual cost is refunded afterwards ({@link #refund}).
 * Thread-safe; the clock is injectable (nanoseconds, like {@link System#nanoTime()}).
 */
public final class LeakyBucket {

    /** A snapshot of the bucket, as reported in {@code extensions.cost.throttleStatus}. */
    public record Status(double maximumAvailable, double currentlyAvailable, double restoreRate) {}

    private final LongSupplier nanoClock;
    private double maximum;
    private double restoreRate;
    private double available;
    private long lastNanos;

    public LeakyBucket(double maximum, double restoreRate, LongSupplier nanoClock) {
        if (maximum <= 0 || restoreRate < 0) {
            throw new IllegalArgumentException("bucket needs maximum > 0 and restoreRate >= 0");
        }
        this.nanoClock = nanoClock;
        this.maximum = maximum;
        this.restoreRate = restoreRate;
        this.available = maximum;
        this.lastNanos = nanoClock.getAsLong();
    }

    public LeakyBucket(double maximum, double restoreRate) {
        this(maximum, restoreRate, System::nanoTime);
    }

    /** Bucket sizes per plan: basic 100/s with 2000 max, advanced 200/4000, plus 1000/20000. */
    public static LeakyBucket forPlan(String plan, LongSupplier nanoClock) {
        double[] p = planLimits(plan);
        return new LeakyBucket(p[0], p[1], nanoClock);
    }

    /** {maximumAvailable, restoreRate} for a plan name; IllegalArgumentException for an unknown plan. */
    public static double[] planLimits(String plan) {
        return switch (plan == null ? "" : plan.toLowerCase(java.util.Locale.ROOT)) {
            case "basic" -> new double[] {2000, 100};
            case "advanced" -> new double[] {4000, 200};
            case "plus" -> new double[] {20000, 1000};
            default -> throw new IllegalArgumentException("unknown plan '" + plan + "' (use basic, advanced or plus)");
        };
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastNanos;
        if (elapsed > 0) {
            available = Math.min(maximum, available + restoreRate * (elapsed / 1_000_000_000.0));
            lastNanos = now;
        }
    }

    /** Takes {@code cost} points if that many are available; returns false (and takes nothing) otherwise. */
    public synchronized boolean tryTake(double cost) {
        refill();
        if (cost > available) {
            return false;
        }
        available -= cost;
        return true;
    }

    /** Gives back {@code points} (requested minus actual cost), never above the maximum. */
    public synchronized void refund(double points) {
        refill();
        if (points > 0) {
            available = Math.min(maximum, available + points);
        }
    }

    /** Sets the currently available points (throttle pressure); clamped to [0, maximum]. */
    public synchronized void drainTo(double points) {
        refill();
        available = Math.max(0, Math.min(maximum, points));
    }

    /** Changes the limits (e.g. a plan change); the available points are clamped to the new maximum. */
    public synchronized void configure(double newMaximum, double newRestoreRate) {
        refill();
        this.maximum = newMaximum;
        this.restoreRate = newRestoreRate;
        this.available = Math.min(available, newMaximum);
    }

    public synchronized Status status() {
        refill();
        return new Status(maximum, available, restoreRate);
    }
}
