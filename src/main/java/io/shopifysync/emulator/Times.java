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

    /** 1970-01-01T00:00:00Z and 10000-01-01T00:00:00Z: between them every year has four digits and no sign. */
    private static final long FAST_MIN = 0;
    private static final long FAST_END = 253_402_300_800L;

    /** ISO-8601 UTC with second precision: {@code 2026-01-02T03:04:05Z}. */
    static String iso(long epochSecond) {
        if (epochSecond < FAST_MIN || epochSecond >= FAST_END) {
            return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(epochSecond));
        }
        // what ISO_INSTANT prints for a whole second in years 1970-9999, without the formatter's per-call allocations
        char[] c = new char[20];
        dateTime(epochSecond, c, 'T');
        c[19] = 'Z';
        return new String(c);
    }

    /** Shopify's cursor last_value format for timestamps: {@code 2022-05-25 13:46:48.000000}. */
    static String cursorValue(long epochSecond) {
        if (epochSecond < FAST_MIN || epochSecond >= FAST_END) {
            return CURSOR.format(Instant.ofEpochSecond(epochSecond));
        }
        char[] c = new char[26];
        dateTime(epochSecond, c, ' ');
        c[19] = '.';
        for (int i = 20; i < 26; i++) {
            c[i] = '0';
        }
        return new String(c);
    }

    /** Writes {@code yyyy-MM-dd?HH:mm:ss} (UTC, year 1970-9999) into c[0..19), with sep between date and time. */
    private static void dateTime(long epochSecond, char[] c, char sep) {
        long days = Math.floorDiv(epochSecond, 86_400L);
        int secOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        // civil date from days since 1970-01-01 (H. Hinnant's days_from_civil inverse), as LocalDate.ofEpochDay computes it
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, month, 2);
        c[7] = '-';
        digits(c, 8, day, 2);
        c[10] = sep;
        digits(c, 11, secOfDay / 3600, 2);
        c[13] = ':';
        digits(c, 14, secOfDay / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secOfDay % 60, 2);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
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
