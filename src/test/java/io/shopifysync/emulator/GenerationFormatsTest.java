package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written formatting of the data generator prints exactly what the JDK formatters it replaces print. */
class GenerationFormatsTest {

    private static final DateTimeFormatter CURSOR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    @Test
    void timesAreWhatTheFormattersPrint() {
        SplittableRandom random = new SplittableRandom(1);
        long[] edges = {Long.MIN_VALUE / 1000, -86_401, -1, 0, 1, 59, 60, 86_399, 86_400, 951_782_400L /* 2000-02-29 */,
            4_107_542_400L /* 2100-03-01 */, 253_402_300_799L, 253_402_300_800L, 253_402_300_801L, 9_000_000_000_000L};
        for (long s : edges) {
            check(s);
        }
        for (int i = 0; i < 300_000; i++) {
            check(random.nextLong(-100_000_000_000L, 300_000_000_000L));
            check(random.nextLong(DataGenerator.T0 - 86_400L * 400, DataGenerator.T1 + 86_400L * 400));
        }
    }

    private static void check(long s) {
        assertThat(Times.iso(s)).as("iso %d", s).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(s)));
        assertThat(Times.cursorValue(s)).as("cursor %d", s).isEqualTo(CURSOR.format(Instant.ofEpochSecond(s)));
    }

    @Test
    void amountsAreWhatBigDecimalPrints() {
        SplittableRandom random = new SplittableRandom(2);
        for (long c = -100_000; c <= 100_000; c++) {
            checkAmount(c);
        }
        long[] edges = {Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1, Integer.MAX_VALUE, Integer.MIN_VALUE};
        for (long c : edges) {
            checkAmount(c);
        }
        for (int i = 0; i < 300_000; i++) {
            checkAmount(random.nextLong());
            checkAmount(random.nextLong(-10_000_000_000L, 10_000_000_000L));
        }
    }

    private static void checkAmount(long c) {
        assertThat(DataGenerator.decimal(c)).as("decimal %d", c).isEqualTo(DataGenerator.decimalViaBigDecimal(c));
        assertThat(DataGenerator.money(c)).as("money %d", c).isEqualTo(BigDecimal.valueOf(c, 2).toPlainString());
    }

    @Test
    void zeroPaddingIsWhatStringFormatPrints() {
        for (int v = 0; v < 2_000_000; v += 7) {
            assertThat(DataGenerator.zeroPadded(v, 7)).isEqualTo(String.format(Locale.ROOT, "%07d", v));
            assertThat(DataGenerator.zeroPadded(v, 5)).isEqualTo(String.format(Locale.ROOT, "%05d", v));
        }
        for (int v : new int[] {0, 9, 10, 99_999, 100_000, 9_999_999, 10_000_000, Integer.MAX_VALUE, -1, Integer.MIN_VALUE}) {
            assertThat(DataGenerator.zeroPadded(v, 7)).isEqualTo(String.format(Locale.ROOT, "%07d", v));
            assertThat(DataGenerator.zeroPadded(v, 5)).isEqualTo(String.format(Locale.ROOT, "%05d", v));
        }
    }

    @Test
    void cursorsAreWhatJacksonWrote() {
        for (String v : new String[] {"2026-01-02 03:04:05.000000", "123", "", "a\"b", "back\\slash", "tab\t", "Zoë", "\u007f", "~"}) {
            String expected = java.util.Base64.getEncoder().encodeToString(("{\"last_id\":7,\"last_value\":" + Json.string(v) + "}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(ConnectionPaging.cursor(7, v)).as(v).isEqualTo(expected);
        }
    }
}
