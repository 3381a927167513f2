package io.shopifysync.emulator;

import java.util.ArrayList;
import java.util.List;

/** A shop's BasicEvents (create and destroy of orders, products, customers), in id order. */
final class EventLog {

    record Event(long id, String action, String subjectType, String subjectGid, long createdAt, String message) {}

    static final SearchQuery.FieldType TIME = SearchQuery.FieldType.TIME;
    static final java.util.Map<String, SearchQuery.FieldType> FIELDS = java.util.Map.of(
            "id", SearchQuery.FieldType.NUMBER, "created_at", TIME, "action", SearchQuery.FieldType.TEXT,
            "subject_type", SearchQuery.FieldType.TEXT, "subject_id", SearchQuery.FieldType.NUMBER, "verb", SearchQuery.FieldType.TEXT);

    private static final long EVENT_BASE = 1_000_000_000_000L;
    private static final int MAX_EVENTS = 200_000;

    private final java.util.ArrayDeque<Event> events = new java.util.ArrayDeque<>();
    private final long base;
    private long dropped;

    EventLog(int shopNumber) {
        this.base = EVENT_BASE + (shopNumber - 1) * 100_000_000_000L;
    }

    synchronized Event add(String action, String subjectType, String subjectGid, long createdAt, String message) {
        if (events.size() >= MAX_EVENTS) {
            events.removeFirst();
            dropped++;
        }
        Event e = new Event(base + dropped + events.size() + 1, action, subjectType, subjectGid, createdAt, message);
        events.add(e);
        return e;
    }

    synchronized List<Event> snapshot() {
        return new ArrayList<>(events);
    }

    long indexOfId(long id) {
        return id - base - 1;
    }

    long idOfIndex(long index) {
        return base + 1 + index;
    }

    synchronized long droppedCount() {
        return dropped;
    }
}
