package io.shopifysync.emulator;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The last Admin GraphQL requests of one shop, with when they arrived and what fault (if any) answered them. */
final class RequestLog {

    private static final int KEEP = 2000;

    /** One request: arrival time, the API version it asked for and was served, the injected answer (null = a normal one). */
    record Entry(long atMillis, String requestedVersion, String servedVersion, Integer faultStatus, String faultCode) {
        Map<String, Object> toMap() {
            return Json.obj("at", Instant.ofEpochMilli(atMillis).toString(), "atMillis", atMillis,
                    "requestedVersion", requestedVersion, "servedVersion", servedVersion,
                    "status", faultStatus == null ? 200 : faultStatus, "injected", faultStatus != null || faultCode != null,
                    "errorCode", faultCode);
        }
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    synchronized void add(Entry e) {
        if (entries.size() == KEEP) {
            entries.removeFirst();
        }
        entries.addLast(e);
    }

    synchronized List<Map<String, Object>> toList() {
        List<Map<String, Object>> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.toMap());
        }
        return out;
    }

    synchronized void clear() {
        entries.clear();
    }
}
