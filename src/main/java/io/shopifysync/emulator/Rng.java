package io.shopifysync.emulator;

/** Deterministic hashing helpers: every generated value derives from a 64-bit mix of its coordinates. */
final class Rng {
    private Rng() {}

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long hash(long a, long b) {
        return mix(mix(a + 0x9E3779B97F4A7C15L) ^ (b * 0xC2B2AE3D27D4EB4FL));
    }

    static long hash(long a, long b, long c) {
        return hash(hash(a, b), c);
    }

    static long hash(long a, long b, long c, long d) {
        return hash(hash(hash(a, b), c), d);
    }

    /** A non-negative int below bound derived from h. */
    static int below(long h, int bound) {
        return (int) Math.floorMod(h, (long) bound);
    }

    /** A double in [0, 1) derived from h. */
    static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }

    /** A tiny deterministic stream of values for one object. */
    static final class Stream {
        private long state;

        Stream(long seed) {
            this.state = seed;
        }

        long next() {
            state += 0x9E3779B97F4A7C15L;
            return mix(state);
        }

        int nextInt(int bound) {
            return below(next(), bound);
        }

        double nextDouble() {
            return unit(next());
        }

        boolean chance(double p) {
            return nextDouble() < p;
        }

        <T> T pick(T[] values) {
            return values[nextInt(values.length)];
        }
    }
}
