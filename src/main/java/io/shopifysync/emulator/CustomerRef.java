package io.shopifysync.emulator;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The customer of an order ({@code _customer}): equal to {@link DataGenerator#customer}'s map, but only id,
 * legacyResourceId, email and phone are known up front; the first other access generates the whole customer. Most
 * readers (the bulk export's {@code customer { id }}, the order's own email and phone, customer_id search) need no more.
 */
final class CustomerRef extends AbstractMap<String, Object> {
    private final String id;
    private final String legacyResourceId;
    private final String email;
    private final String phone;
    private final Supplier<Map<String, Object>> generate;
    /** The generated customer; generation is deterministic, so two threads racing here build equal maps. */
    private volatile Map<String, Object> whole;

    CustomerRef(String id, String legacyResourceId, String email, String phone, Supplier<Map<String, Object>> generate) {
        this.id = id;
        this.legacyResourceId = legacyResourceId;
        this.email = email;
        this.phone = phone;
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
        if (key instanceof String k) {
            switch (k) {
                case "id": return id;
                case "legacyResourceId": return legacyResourceId;
                case "email": return email;
                case "phone": return phone;
                default: break;
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

    /** Read-only: the eagerly known fields could no longer agree with a changed map. */
    @Override
    public Object put(String key, Object value) {
        throw new UnsupportedOperationException("an order's customer is read-only");
    }

    @Override
    public Object remove(Object key) {
        throw new UnsupportedOperationException("an order's customer is read-only");
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("an order's customer is read-only");
    }
}
