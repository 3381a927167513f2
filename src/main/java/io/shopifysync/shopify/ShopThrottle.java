package io.shopifysync.shopify;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Our mirror of one shop's leaky bucket, shared by every route that calls that shop.
 * <ul>
 *   <li>{@link #tryAcquire} takes a call's estimated cost if the bucket has it; otherwise it takes nothing
 *       and says how long to wait (the deficit over the restore rate, re-checked at least every second so
 *       a fresher answer from the shop is taken into account) — a wait, never a busy retry.</li>
 *   <li>Waiting callers are served first come, first served: a caller told to wait keeps its place (per
 *       thread) until it is served or {@link #leave}s, so a stream of cheap calls cannot starve a costly one.</li>
 *   <li>{@link #answered} gives the reservation back and copies {@code extensions.cost.throttleStatus},
 *       minus the points other calls have reserved but not yet spent.</li>
 *   <li>Until the shop has answered once, its plan is unknown: one call at a time.</li>
 * </ul>
 */
public final class ShopThrottle {

    /** Longest single wait before the bucket is looked at again. */
    static final long MAX_WAIT_MILLIS = 1000;
    /** How long a caller waits while the first call to an unknown shop is in flight. */
    static final long FIRST_ANSWER_WAIT_MILLIS = 50;

    private final LongSupplier nanoClock;
    private boolean known;
    private double maximum = 1000;
    private double available = 1000;
    private double restoreRate = 50;
    private double outstanding;
    private long observedAt;
    /** No points before this nanoClock time (Retry-After of a 429). */
    private long blockedUntil;
    /** Callers told to wait, oldest first, with the points each needs. */
    private final Map<Thread, Double> queue = new LinkedHashMap<>();
    private final AtomicLong waits = new AtomicLong();
    private final AtomicLong waitedMillis = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();

    public ShopThrottle(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.observedAt = nanoClock.getAsLong();
        this.blockedUntil = observedAt;
    }

    /**
     * Takes {@code cost} points and returns 0, or takes nothing and returns the milliseconds to wait before the
     * same thread asks again; points go to waiting threads in the order they first asked.
     */
    public synchronized long tryAcquire(int cost) {
        refill();
        double needed = Math.min(cost, maximum);
        long wait;
        long blocked = (blockedUntil - nanoClock.getAsLong()) / 1_000_000;
        if (blocked > 0) {
            wait = Math.min(MAX_WAIT_MILLIS, blocked); // the shop said Retry-After: nobody calls it before then
        } else if (!known && outstanding > 0) {
            wait = FIRST_ANSWER_WAIT_MILLIS;
        } else {
            Thread me = Thread.currentThread();
            double ahead = pointsQueuedAhead(me);
            if (ahead == 0 && available >= needed) {
                queue.remove(me);
                available -= needed;
                outstanding += needed;
                return 0;
            }
            queue.put(me, needed); // keeps the place of a caller already queued
            // at least a short wait: with enough points for everyone, the callers ahead have not taken theirs yet
            wait = Math.max(FIRST_ANSWER_WAIT_MILLIS,
                    Math.min(MAX_WAIT_MILLIS, (long) Math.ceil((ahead + needed - available) * 1000 / restoreRate)));
        }
        waits.incrementAndGet();
        waitedMillis.addAndGet(wait);
        return wait;
    }

    /** An HTTP 429 with Retry-After: no caller of this shop gets points for {@code millis} (a later, longer pause wins). */
    public synchronized void pauseFor(long millis) {
        long until = nanoClock.getAsLong() + Math.max(0, millis) * 1_000_000;
        if (until - blockedUntil > 0) {
            blockedUntil = until;
        }
    }

    /** Gives up the current thread's place in the queue (its call failed or was interrupted while waiting). */
    public synchronized void leave() {
        queue.remove(Thread.currentThread());
    }

    /** The points needed by live callers queued before {@code me} (all of them if {@code me} is not queued). */
    private double pointsQueuedAhead(Thread me) {
        double ahead = 0;
        for (Iterator<Map.Entry<Thread, Double>> it = queue.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Thread, Double> e = it.next();
            if (e.getKey() == me) {
                break;
            }
            if (!e.getKey().isAlive()) {
                it.remove(); // a thread that died waiting must not block the queue
                continue;
            }
            ahead += e.getValue();
        }
        return ahead;
    }

    /**
     * The answer to a call that had reserved {@code reservedCost}: the reservation is released and the
     * reported bucket copied (points other calls reserved stay taken). Without a status block only the
     * reservation is released.
     */
    public synchronized void answered(int reservedCost, double maximumAvailable, double currentlyAvailable,
                                      double restoreRatePerSecond, boolean wasThrottled) {
        outstanding = Math.max(0, outstanding - Math.min(reservedCost, maximum));
        if (wasThrottled) {
            throttled.incrementAndGet();
        }
        if (maximumAvailable > 0 && restoreRatePerSecond > 0) {
            known = true;
            maximum = maximumAvailable;
            restoreRate = restoreRatePerSecond;
            available = Math.max(0, currentlyAvailable - outstanding);
            observedAt = nanoClock.getAsLong();
        } else if (!wasThrottled) {
            available = Math.min(maximum, available + Math.min(reservedCost, maximum)); // spent nothing we know of
        }
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

    public synchronized boolean known() {
        return known;
    }

    public synchronized int queued() {
        return queue.size();
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
