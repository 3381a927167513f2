package io.shopifysync.webhooks;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The two timestamp conversions on every webhook's path, without {@link DateTimeFormatter}: a profile of the intake
 * at 2,000 deliveries/s showed {@code OffsetDateTime.parse} taking a fifth of the route's CPU. Anything outside the
 * common shapes goes to the JDK, so the results are always the JDK's.
 */
final class Timestamps {

    private static final DateTimeFormatter SQL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");

    private Timestamps() {
    }

    /**
     * {@link OffsetDateTime#parse(CharSequence)}, same results and same exceptions; {@code yyyy-MM-ddTHH:mm:ss}, an
     * optional fraction and {@code Z} or {@code ±HH:MM} (what Shopify sends) are read by hand.
     */
    static OffsetDateTime parse(String text) {
        OffsetDateTime fast = parseCommon(text);
        return fast != null ? fast : OffsetDateTime.parse(text);
    }

    /**
     * {@code yyyy-MM-dd HH:mm:ss.SSSSSS±HH:MM}, which both databases read with its offset: years 1 to 9999 by hand,
     * others (and offsets with seconds) by the pattern, whose output this always equals.
     */
    static String sql(OffsetDateTime t) {
        int year = t.getYear();
        if (year < 1 || year > 9999 || t.getOffset().getTotalSeconds() % 60 != 0) {
            return SQL.format(t);
        }
        char[] c = new char[32];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, t.getDayOfMonth(), 2);
        c[10] = ' ';
        digits(c, 11, t.getHour(), 2);
        c[13] = ':';
        digits(c, 14, t.getMinute(), 2);
        c[16] = ':';
        digits(c, 17, t.getSecond(), 2);
        c[19] = '.';
        digits(c, 20, t.getNano() / 1_000, 6);
        int offset = t.getOffset().getTotalSeconds();
        c[26] = offset < 0 ? '-' : '+';
        int minutes = Math.abs(offset) / 60;
        digits(c, 27, minutes / 60, 2);
        c[29] = ':';
        digits(c, 30, minutes % 60, 2);
        return new String(c);
    }

    /** Null unless the text has the common shape and every field is in range: the JDK then decides. */
    private static OffsetDateTime parseCommon(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = number(s, 0, 4);
        int month = number(s, 5, 2);
        int day = number(s, 8, 2);
        int hour = number(s, 11, 2);
        int minute = number(s, 14, 2);
        int second = number(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
                nanos = nanos * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start || i < n && isDigit(s.charAt(i))) {
                return null;
            }
            for (int d = i - start; d < 9; d++) {
                nanos *= 10;
            }
        }
        ZoneOffset offset;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offset = ZoneOffset.UTC;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int hours = number(s, i + 1, 2);
            int mins = number(s, i + 4, 2);
            if ((hours | mins) < 0) {
                return null;
            }
            int sign = s.charAt(i) == '-' ? -1 : 1;
            try {
                offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * mins);
            } catch (DateTimeException e) {
                return null;
            }
        } else {
            return null;
        }
        try {
            return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, offset);
        } catch (DateTimeException e) {
            return null; // out of range: the JDK's parse throws its own exception for it
        }
    }

    /** The decimal number of {@code length} digits at {@code from}, or -1 when one is not a digit. */
    private static int number(String s, int from, int length) {
        int v = 0;
        for (int i = from; i < from + length; i++) {
            char ch = s.charAt(i);
            if (!isDigit(ch)) {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    private static boolean isDigit(char ch) {
        return ch >= '0' && ch <= '9';
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
