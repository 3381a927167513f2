package io.shopifysync.emulator;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A generated object referenced from another one (an order's customer, a line item's variant): equal to the map its
 * supplier generates, but a few fields are known up front and the first read of any other field generates the whole
 * map. Most readers need no more than those few (the bulk export's {@code customer { id }} and {@code variant { id }},
 * the order's own email and phone, customer_id search). Read-only, like every generated map is treated.
 */
final class LazyMap extends AbstractMap<String, Object> {
    private final String[] knownKeys;
    private final Object[] knownValues;
    private final Supplier<Map<String, Object>> generate;
    /** The generated map; generation is deterministic, so two threads racing here build equal maps. */
    private volatile Map<String, Object> whole;

    /** knownValues[i] must be what the generated map has under knownKeys[i]. */
    LazyMap(String[] knownKeys, Object[] knownValues, Supplier<Map<String, Object>> generate) {
        this.knownKeys = knownKeys;
        this.knownValues = knownValues;
        this.generate = generate;
    }

    private Map<String, Object> whole() {
        Map<String, Object> w = whole;
        if (w == null) {
            w = generate.get();
            whole = w;
        }
        return w;
    }

    @Override
    public Object get(Object key) {
        for (int i = 0; i < knownKeys.length; i++) {
            if (knownKeys[i].equals(key)) {
                return knownValues[i];
            }
        }
        return whole().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return whole().containsKey(key);
    }

    @Override
    public int size() {
        return whole().size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return whole().entrySet();
    }

    @Override
    public Set<String> keySet() {
        return whole().keySet();
    }

    @Override
    public Collection<Object> values() {
        return whole().values();
    }

    /** Read-only: the known fields could no longer agree with a changed map. */
    @Override
    public Object put(String key, Object value) {
        throw new UnsupportedOperationException("a generated reference is read-only");
    }

    @Override
    public Object remove(Object key) {
        throw new UnsupportedOperationException("a generated reference is read-only");
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("a generated reference is read-only");
    }
}
