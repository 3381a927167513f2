package io.shopifysync.emulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Time formatting and parsing helpers (all emulator times are epoch seconds, UTC). */
final class Times {
    private Times() {}

    private static final DateTimeFormatter CURSOR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter REST = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    private static final DateTimeFormatter TRIGGERED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter NAIVE = DateTimeFormatter.ofPattern("yyyy-MM-dd[ ]['T']HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]");

    /** ISO-8601 UTC with second precision: {@code 2026-01-02T03:04:05Z}. */
    static String iso(long epochSecond) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(epochSecond));
    }

    /** Shopify's cursor last_value format for timestamps: {@code 2022-05-25 13:46:48.000000}. */
    static String cursorValue(long epochSecond) {
        return CURSOR.format(Instant.ofEpochSecond(epochSecond));
    }

    static long parseCursorValue(String s) {
        return LocalDateTime.parse(s, CURSOR).toEpochSecond(ZoneOffset.UTC);
    }

    /** REST webhook format in the shop's time zone: {@code 2021-12-31T19:00:00-05:00}. */
    static String rest(long epochSecond, ZoneId zone) {
        return REST.format(Instant.ofEpochSecond(epochSecond).atZone(zone));
    }

    /** X-Shopify-Triggered-At format: {@code 2025-07-10T16:15:47.000000Z}. */
    static String triggeredAt(Instant instant) {
        return TRIGGERED.format(instant);
    }

    /**
     * Parses a search-syntax time value to epoch milliseconds. Accepts ISO-8601 instants with Z or an
     * offset, {@code yyyy-MM-dd HH:mm:ss} (UTC), {@code yyyy-MM-ddTHH:mm:ss} (UTC) and {@code yyyy-MM-dd}
     * (start of the day, UTC). Returns null when the value is not a time.
     */
    static Long parseSearchMillis(String value) {
        String v = value.trim();
        try {
            return OffsetDateTime.parse(v).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // next
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // next
        }
        try {
            return LocalDateTime.parse(v, NAIVE).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // next
        }
        try {
            return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            return null;
        }
    }

    static boolean isDateOnly(String value) {
        return value.trim().matches("\\d{4}-\\d{2}-\\d{2}");
    }
}
