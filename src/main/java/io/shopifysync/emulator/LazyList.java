package io.shopifysync.emulator;

import java.util.AbstractList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A read-only list built on its first read, for generated children that many queries never read (an order's
 * transactions). The supplier must be deterministic and draw nothing from a stream shared with its caller.
 */
final class LazyList<T> extends AbstractList<T> {
    private final Supplier<List<T>> build;
    /** The built list; building is deterministic, so two threads racing here build equal lists. */
    private volatile List<T> built;

    LazyList(Supplier<List<T>> build) {
        this.build = build;
    }

    private List<T> list() {
        List<T> l = built;
        if (l == null) {
            l = build.get();
            built = l;
        }
        return l;
    }

    @Override
    public T get(int index) {
        return list().get(index);
    }

    @Override
    public int size() {
        return list().size();
    }
}
