package io.shopifysync.emulator;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The state of one top-level resource of one shop, in primitive arrays indexed by the object's index
 * (ids, content and children are derived from the index and a version by {@link DataGenerator}, so a
 * million objects cost ~30 bytes each). Holds createdAt/updatedAt (epoch seconds), a version counter
 * (bumped by every update) and tombstones.
 *
 * <p>Orders: index order is id order and createdAt order (ids and createdAt never decrease with the index).
 * UPDATED_AT order is kept as a sorted array of packed keys {@code updatedAt << 32 | index} built at
 * start, plus a tree of the keys of objects changed since; the array is rebuilt when the tree gets big.
 */
final class ResourceStore {

    /** Callback for scans; return false to stop. */
    interface Visitor {
        boolean visit(int index, long key, long createdAt, long updatedAt, int version);
    }

    private static final int REBUILD_THRESHOLD = 50_000;

    final ResourceKind kind;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private long[] createdAt = new long[16];
    private long[] updatedAt = new long[16];
    private int[] version = new int[16];
    private final BitSet deleted = new BitSet();
    private final BitSet dirty = new BitSet();
    private int size;
    private int live;
    private long[] baseSorted = new long[0];
    private int baseLen;
    private final TreeSet<Long> delta = new TreeSet<>();

    ResourceStore(ResourceKind kind) {
        this.kind = kind;
    }

    static long pack(long updatedSec, int index) {
        return (updatedSec << 32) | (index & 0xffffffffL);
    }

    static int unpackIndex(long key) {
        return (int) key;
    }

    static long unpackTime(long key) {
        return key >>> 32;
    }

    // ------------------------------------------------------------------ writes

    /** Bulk-loads the initial objects and builds the sorted index. */
    void load(long[] created, long[] updated) {
        lock.writeLock().lock();
        try {
            int n = created.length;
            ensure(n);
            System.arraycopy(created, 0, createdAt, 0, n);
            System.arraycopy(updated, 0, updatedAt, 0, n);
            size = n;
            live = n;
            rebuild();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Appends a new object; createdAt is raised to the last createdAt so index order stays createdAt order. */
    int append(long created, long updated) {
        lock.writeLock().lock();
        try {
            ensure(size + 1);
            int idx = size;
            long c = size > 0 ? Math.max(created, createdAt[size - 1]) : created;
            createdAt[idx] = c;
            updatedAt[idx] = Math.max(updated, c);
            version[idx] = 0;
            size++;
            live++;
            dirty.set(idx);
            delta.add(pack(updatedAt[idx], idx));
            maybeRebuild();
            return idx;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Bumps version and sets updatedAt to max(now, previous). Returns the new updatedAt, or -1 if absent. */
    long touch(int idx, long nowSec) {
        lock.writeLock().lock();
        try {
            if (idx < 0 || idx >= size || deleted.get(idx)) {
                return -1;
            }
            long prev = updatedAt[idx];
            long next = Math.max(prev, nowSec);
            if (dirty.get(idx)) {
                delta.remove(pack(prev, idx));
            } else {
                dirty.set(idx);
            }
            updatedAt[idx] = next;
            version[idx]++;
            delta.add(pack(next, idx));
            maybeRebuild();
            return next;
        } finally {
            lock.writeLock().unlock();
        }
    }

    boolean delete(int idx) {
        lock.writeLock().lock();
        try {
            if (idx < 0 || idx >= size || deleted.get(idx)) {
                return false;
            }
            deleted.set(idx);
            live--;
            if (dirty.get(idx)) {
                delta.remove(pack(updatedAt[idx], idx));
            }
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void ensure(int capacity) {
        if (capacity > createdAt.length) {
            int n = Math.max(capacity, createdAt.length * 2);
            createdAt = Arrays.copyOf(createdAt, n);
            updatedAt = Arrays.copyOf(updatedAt, n);
            version = Arrays.copyOf(version, n);
        }
    }

    private void maybeRebuild() {
        if (delta.size() > REBUILD_THRESHOLD) {
            rebuild();
        }
    }

    private void rebuild() {
        long[] keys = new long[live];
        int k = 0;
        for (int i = 0; i < size; i++) {
            if (!deleted.get(i)) {
                keys[k++] = pack(updatedAt[i], i);
            }
        }
        Arrays.sort(keys, 0, k);
        baseSorted = keys;
        baseLen = k;
        dirty.clear();
        delta.clear();
    }

    // ------------------------------------------------------------------ reads

    int size() {
        lock.readLock().lock();
        try {
            return size;
        } finally {
            lock.readLock().unlock();
        }
    }

    int liveCount() {
        lock.readLock().lock();
        try {
            return live;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The state of one object: {createdAt, updatedAt, version}, or null if absent or deleted. */
    long[] get(int idx) {
        lock.readLock().lock();
        try {
            if (idx < 0 || idx >= size || deleted.get(idx)) {
                return null;
            }
            return new long[] {createdAt[idx], updatedAt[idx], version[idx]};
        } finally {
            lock.readLock().unlock();
        }
    }

    boolean exists(int idx) {
        lock.readLock().lock();
        try {
            return idx >= 0 && idx < size && !deleted.get(idx);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The smallest index whose createdAt is >= sec (size if none). */
    int firstIndexCreatedAtOrAfter(long sec) {
        lock.readLock().lock();
        try {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (createdAt[mid] < sec) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Visits live objects in index order (ascending or descending) between index bounds (inclusive),
     * starting strictly after {@code fromExclusive} (an index; ignored when {@code hasFrom} is false).
     */
    void scanByIndex(boolean ascending, boolean hasFrom, long fromExclusive, int loIdx, int hiIdx, Visitor v) {
        lock.readLock().lock();
        try {
            int lo = Math.max(0, loIdx);
            int hi = Math.min(size - 1, hiIdx);
            if (ascending) {
                int start = hasFrom ? (int) Math.max(lo, Math.min((long) Integer.MAX_VALUE, fromExclusive + 1)) : lo;
                for (int i = start; i <= hi; i++) {
                    if (!deleted.get(i) && !v.visit(i, i, createdAt[i], updatedAt[i], version[i])) {
                        return;
                    }
                }
            } else {
                int start = hasFrom ? (int) Math.min(hi, Math.max(-1L, fromExclusive - 1)) : hi;
                for (int i = start; i >= lo; i--) {
                    if (!deleted.get(i) && !v.visit(i, i, createdAt[i], updatedAt[i], version[i])) {
                        return;
                    }
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Visits live objects in (updatedAt, index) order, restricted to updatedAt within [loSec, hiSec],
     * starting strictly after the packed key {@code fromExclusive} when {@code hasFrom}.
     */
    void scanByUpdated(boolean ascending, boolean hasFrom, long fromExclusive, long loSec, long hiSec, Visitor v) {
        lock.readLock().lock();
        try {
            long loKey = pack(Math.max(0, loSec), 0);
            long hiKey = hiSec >= (1L << 31) ? Long.MAX_VALUE : pack(Math.max(0, hiSec), -1);
            if (hiSec < 0) {
                return;
            }
            if (ascending) {
                long startExcl = hasFrom ? Math.max(fromExclusive, loKey - 1) : loKey - 1;
                int p = upperBound(startExcl);
                Iterator<Long> d = delta.tailSet(startExcl, false).iterator();
                Long dk = d.hasNext() ? d.next() : null;
                while (true) {
                    p = nextBasePos(p, true);
                    boolean haveBase = p >= 0 && p < baseLen;
                    long bk = haveBase ? baseSorted[p] : 0;
                    if (!haveBase && dk == null) {
                        return;
                    }
                    long key;
                    if (dk == null || (haveBase && bk < dk)) {
                        key = bk;
                        p++;
                    } else {
                        key = dk;
                        dk = d.hasNext() ? d.next() : null;
                    }
                    if (key > hiKey) {
                        return;
                    }
                    int i = unpackIndex(key);
                    if (!deleted.get(i) && !v.visit(i, key, createdAt[i], updatedAt[i], version[i])) {
                        return;
                    }
                }
            } else {
                long startExcl = hasFrom ? Math.min(fromExclusive, hiKey == Long.MAX_VALUE ? Long.MAX_VALUE : hiKey + 1) : (hiKey == Long.MAX_VALUE ? Long.MAX_VALUE : hiKey + 1);
                int p = lowerBound(startExcl) - 1;
                NavigableSet<Long> head = startExcl == Long.MAX_VALUE ? delta.descendingSet() : delta.headSet(startExcl, false).descendingSet();
                Iterator<Long> d = head.iterator();
                Long dk = d.hasNext() ? d.next() : null;
                while (true) {
                    p = nextBasePos(p, false);
                    boolean haveBase = p >= 0 && p < baseLen;
                    long bk = haveBase ? baseSorted[p] : 0;
                    if (!haveBase && dk == null) {
                        return;
                    }
                    long key;
                    if (dk == null || (haveBase && bk > dk)) {
                        key = bk;
                        p--;
                    } else {
                        key = dk;
                        dk = d.hasNext() ? d.next() : null;
                    }
                    if (key < loKey) {
                        return;
                    }
                    int i = unpackIndex(key);
                    if (!deleted.get(i) && !v.visit(i, key, createdAt[i], updatedAt[i], version[i])) {
                        return;
                    }
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The position of the next valid (not dirty, not deleted) base key at or beyond p in the direction. */
    private int nextBasePos(int p, boolean ascending) {
        while (p >= 0 && p < baseLen) {
            int i = unpackIndex(baseSorted[p]);
            if (!dirty.get(i) && !deleted.get(i)) {
                return p;
            }
            p += ascending ? 1 : -1;
        }
        return p;
    }

    /** First position whose key is > k. */
    private int upperBound(long k) {
        int lo = 0;
        int hi = baseLen;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (baseSorted[mid] <= k) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First position whose key is >= k. */
    private int lowerBound(long k) {
        int lo = 0;
        int hi = baseLen;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (baseSorted[mid] < k) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
