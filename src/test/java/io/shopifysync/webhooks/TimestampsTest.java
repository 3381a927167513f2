package io.shopifysync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The intake's hand-written timestamp conversions agree with the JDK's on every input, valid or not. */
class TimestampsTest {

    private static final DateTimeFormatter SQL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");

    @Test
    void parsesWhatShopifySendsAsTheJdkDoes() {
        for (String text : List.of("2026-11-26T10:00:00Z", "2024-01-16T10:00:13-05:00", "2023-03-29T18:00:27.877041743Z",
                "2026-11-26T10:00:00.000000Z", "2026-02-28T23:59:59.5+05:30", "2000-02-29T00:00:00-00:00",
                "0000-01-01T00:00:00+18:00", "9999-12-31T23:59:59.999999999-18:00")) {
            assertThat(Timestamps.parse(text)).as(text).isEqualTo(OffsetDateTime.parse(text));
        }
    }

    @Test
    void leavesOtherShapesToTheJdk() {
        for (String text : List.of("2026-11-26T10:00Z", "2026-11-26t10:00:00z", "2026-11-26T10:00:00+01:00:30",
                "+12026-11-26T10:00:00Z", "2026-11-26T10:00:00+0100")) {
            assertThat(sameAsJdk(text)).as(text).isTrue();
        }
    }

    @Test
    void refusesWhatTheJdkRefuses() {
        for (String text : List.of("", "2026-11-26", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-26T24:00:00Z",
                "2026-11-26T10:60:00Z", "2026-11-26T10:00:60Z", "2026-11-26T10:00:00.Z", "2026-11-26T10:00:00.1234567890Z",
                "2026-11-26T10:00:00+19:00", "2026-11-26T10:00:00+01:60", "2026-11-26T10:00:00", "2026-11-26T10:00:00Zx",
                "2026-11-26 10:00:00Z", "2O26-11-26T10:00:00Z", "2026-11-26T10:00:00+1:00", "2026-11-26T1a:00:00Z")) {
            assertThat(sameAsJdk(text)).as(text).isTrue();
        }
        assertThatThrownBy(() -> Timestamps.parse("2026-13-01T00:00:00Z")).isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void randomTimestampsRoundTripLikeTheJdk() {
        Random random = new Random(20261126);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            OffsetDateTime t = OffsetDateTime.of(random.nextInt(10_000), 1 + random.nextInt(12), 1 + random.nextInt(28),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60), random.nextInt(1_000_000_000),
                    offset(random));
            texts.add(t.toString());
            texts.add(t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            String mangled = t.toString().replace(random.nextBoolean() ? '0' : '1', (char) ('0' + random.nextInt(10)));
            texts.add(mangled);
        }
        for (String text : texts) {
            assertThat(sameAsJdk(text)).as(text).isTrue();
        }
    }

    @Test
    void formatsForSqlAsThePatternDoes() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            OffsetDateTime t = OffsetDateTime.of(random.nextInt(10_000), 1 + random.nextInt(12), 1 + random.nextInt(28),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60), random.nextInt(1_000_000_000),
                    offset(random));
            assertThat(Timestamps.sql(t)).as(t.toString()).isEqualTo(SQL.format(t));
        }
        OffsetDateTime odd = OffsetDateTime.of(2026, 11, 26, 10, 0, 0, 0, ZoneOffset.ofTotalSeconds(3600 + 30));
        assertThat(Timestamps.sql(odd)).isEqualTo(SQL.format(odd));
        assertThat(Timestamps.sql(OffsetDateTime.parse("2026-11-26T10:00:00Z"))).isEqualTo("2026-11-26 10:00:00.000000+00:00");
    }

    /** -18:00 to +18:00 in steps of 15 minutes. */
    private static ZoneOffset offset(Random random) {
        return ZoneOffset.ofTotalSeconds((random.nextInt(18 * 4 * 2 + 1) - 18 * 4) * 15 * 60);
    }

    /** Both give the same value, or both throw a DateTimeParseException. */
    private static boolean sameAsJdk(String text) {
        OffsetDateTime expected;
        try {
            expected = OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            try {
                Timestamps.parse(text);
                return false;
            } catch (DateTimeParseException refused) {
                return true;
            }
        }
        return expected.equals(Timestamps.parse(text));
    }
}
