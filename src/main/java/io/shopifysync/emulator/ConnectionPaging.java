package io.shopifysync.emulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Relay paging over a {@link ResourceStore} for a sort key, with Shopify's opaque cursors
 * (base64 of {@code {"last_id":N,"last_value":"…"}}). Cursors carry the sort value they were issued with,
 * so paging stays exact when objects change meanwhile; ties on updated_at are broken by id.
 */
final class ConnectionPaging {
    private ConnectionPaging() {}

    enum Sort { ID, CREATED_AT, UPDATED_AT }

    record Item(int index, long key, long createdAt, long updatedAt, int version) {}

    record Page(List<Item> items, boolean hasNext, boolean hasPrevious) {}

    /** Thrown for a cursor this sort cannot use. */
    static final class BadCursorException extends RuntimeException {
        BadCursorException(String message) {
            super(message);
        }
    }

    interface Filter {
        boolean test(int index, long createdAt, long updatedAt, int version);
    }

    static Sort sortOf(String sortKey) {
        if (sortKey == null) {
            return Sort.ID;
        }
        return switch (sortKey) {
            case "UPDATED_AT" -> Sort.UPDATED_AT;
            case "CREATED_AT", "PROCESSED_AT" -> Sort.CREATED_AT;
            default -> Sort.ID;
        };
    }

    /** Index bounds implied by created_at and id ranges (index order is both id order and createdAt order). */
    static int[] indexBounds(ResourceStore store, DataGenerator.IdScheme ids, SearchQuery q) {
        int lo = 0;
        int hi = Integer.MAX_VALUE;
        SearchQuery.Range c = q.range("created_at").intersect(q.range("processed_at"));
        if (c.isEmpty()) {
            return new int[] {1, 0};
        }
        if (c.lo() != Long.MIN_VALUE) {
            lo = Math.max(lo, store.firstIndexCreatedAtOrAfter(c.lo()));
        }
        if (c.hi() != Long.MAX_VALUE) {
            hi = Math.min(hi, store.firstIndexCreatedAtOrAfter(c.hi() + 1) - 1);
        }
        SearchQuery.Range id = q.range("id");
        if (id.isEmpty()) {
            return new int[] {1, 0};
        }
        if (id.lo() != Long.MIN_VALUE) {
            lo = (int) Math.max(lo, ids.floorIndex(id.lo() - 1) + 1);
        }
        if (id.hi() != Long.MAX_VALUE) {
            hi = (int) Math.min(hi, ids.floorIndex(id.hi()));
        }
        return new int[] {lo, hi};
    }

    static Page page(ResourceStore store, DataGenerator.IdScheme ids, Sort sort, boolean reverse, Integer first, Long after,
                     Integer last, Long before, SearchQuery q, Filter filter) {
        boolean asc = !reverse;
        int[] bounds = indexBounds(store, ids, q);
        SearchQuery.Range upd = q.range("updated_at");
        Scanner scanner = (ascending, from, visitor) -> {
            if (bounds[0] > bounds[1] || upd.isEmpty()) {
                return;
            }
            if (sort == Sort.UPDATED_AT) {
                store.scanByUpdated(ascending, from != null, from == null ? 0 : from, upd.lo(), upd.hi(), (i, k, c, u, v) -> {
                    if (i < bounds[0] || i > bounds[1]) {
                        return true;
                    }
                    return visitor.visit(i, k, c, u, v);
                });
            } else {
                store.scanByIndex(ascending, from != null, from == null ? 0 : from, bounds[0], bounds[1], (i, k, c, u, v) -> {
                    if (!upd.contains(u)) {
                        return true;
                    }
                    return visitor.visit(i, k, c, u, v);
                });
            }
        };
        return page(scanner, asc, first, after, last, before, filter);
    }

    interface Scanner {
        void scan(boolean ascending, Long fromExclusive, ResourceStore.Visitor visitor);
    }

    static Page page(Scanner scanner, boolean asc, Integer first, Long after, Integer last, Long before, Filter filter) {
        List<Item> items = new ArrayList<>();
        if (last == null) {
            int want = first == null ? Integer.MAX_VALUE : first;
            scanner.scan(asc, after, (i, k, c, u, v) -> {
                if (before != null && (asc ? k >= before : k <= before)) {
                    return false;
                }
                if (!filter.test(i, c, u, v)) {
                    return true;
                }
                items.add(new Item(i, k, c, u, v));
                return items.size() <= want;
            });
            boolean hasNext = items.size() > want;
            if (hasNext) {
                items.remove(items.size() - 1);
            }
            boolean hasPrev = after != null && exists(scanner, !asc, asc ? after + 1 : after - 1, filter);
            return new Page(items, hasNext, hasPrev);
        }
        int want = first == null ? last : Math.min(first, last);
        scanner.scan(!asc, before, (i, k, c, u, v) -> {
            if (after != null && (asc ? k <= after : k >= after)) {
                return false;
            }
            if (!filter.test(i, c, u, v)) {
                return true;
            }
            items.add(new Item(i, k, c, u, v));
            return items.size() <= want;
        });
        boolean hasPrev = items.size() > want;
        if (hasPrev) {
            items.remove(items.size() - 1);
        }
        Collections.reverse(items);
        boolean hasNext = before != null && exists(scanner, asc, asc ? before - 1 : before + 1, filter);
        return new Page(items, hasNext, hasPrev);
    }

    private static boolean exists(Scanner scanner, boolean ascending, long fromExclusive, Filter filter) {
        boolean[] found = {false};
        scanner.scan(ascending, fromExclusive, (i, k, c, u, v) -> {
            if (filter.test(i, c, u, v)) {
                found[0] = true;
                return false;
            }
            return true;
        });
        return found[0];
    }

    // ------------------------------------------------------------------ cursors

    static String cursor(long id, Object lastValue) {
        String json = "{\"last_id\":" + id + ",\"last_value\":" + (lastValue instanceof String s ? jsonString(s) : String.valueOf(lastValue)) + "}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Jackson's JSON string; cursor values are digits and time stamps, which need no escaping, so they skip Jackson. */
    private static String jsonString(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return Json.string(s);
            }
        }
        return "\"" + s + "\"";
    }

    static String cursorFor(Sort sort, long id, long createdAt, long updatedAt) {
        return switch (sort) {
            case UPDATED_AT -> cursor(id, Times.cursorValue(updatedAt));
            case CREATED_AT -> cursor(id, Times.cursorValue(createdAt));
            case ID -> cursor(id, Long.toString(id));
        };
    }

    /** Decodes a cursor to {last_id, last_value}. */
    static Object[] decode(String cursor) {
        try {
            byte[] raw = Base64.getDecoder().decode(cursor);
            Map<String, Object> m = Json.parseObject(raw);
            Object id = m.get("last_id");
            if (!(id instanceof Number n)) {
                throw new BadCursorException("Invalid cursor.");
            }
            return new Object[] {n.longValue(), m.get("last_value")};
        } catch (BadCursorException e) {
            throw e;
        } catch (Exception e) {
            throw new BadCursorException("Invalid cursor.");
        }
    }

    /** The scan key of a top-level cursor for a sort. */
    static long key(Sort sort, DataGenerator.IdScheme ids, String cursor) {
        Object[] d = decode(cursor);
        long id = (Long) d[0];
        long floor = ids.floorIndex(id);
        if (sort == Sort.UPDATED_AT) {
            if (!(d[1] instanceof String s)) {
                throw new BadCursorException("Invalid cursor for the current sort key.");
            }
            long sec;
            try {
                sec = Times.parseCursorValue(s);
            } catch (RuntimeException e) {
                throw new BadCursorException("Invalid cursor for the current sort key.");
            }
            int idx = ids.indexOf(id);
            if (idx < 0) {
                throw new BadCursorException("Invalid cursor.");
            }
            return ResourceStore.pack(sec, idx);
        }
        // index order: an id that is not exactly ours still positions correctly between neighbours
        int idx = ids.indexOf(id);
        if (idx >= 0) {
            return idx;
        }
        if (floor < 0) {
            return -1;
        }
        return floor; // strictly after floor works for "after"; callers of "before" get floor as exclusive bound
    }
}
