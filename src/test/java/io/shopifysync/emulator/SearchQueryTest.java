package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchQueryTest {

    private static final Map<String, SearchQuery.FieldType> FIELDS = ResourceKind.ORDER.searchFields;

    private static long sec(String iso) {
        return Instant.parse(iso).getEpochSecond();
    }

    private static SearchQuery q(String s) {
        return SearchQuery.parse(s, FIELDS);
    }

    private static SearchQuery.Subject order(long id, String created, String updated, String status, List<String> tags) {
        return field -> switch (field) {
            case "id" -> id;
            case "created_at" -> sec(created);
            case "updated_at" -> sec(updated);
            case "financial_status" -> status;
            case "tag" -> tags;
            case "" -> "#1001 jon@example.com";
            default -> null;
        };
    }

    @Test
    void updatedAtComparisonsAtSecondPrecision() {
        SearchQuery.Subject at5 = order(1, "2026-01-01T00:00:00Z", "2026-01-02T03:04:05Z", "paid", List.of());
        assertThat(q("updated_at:>'2026-01-02T03:04:05Z'").matches(at5)).isFalse();
        assertThat(q("updated_at:>='2026-01-02T03:04:05Z'").matches(at5)).isTrue();
        assertThat(q("updated_at:<2026-01-02T03:04:06Z").matches(at5)).isTrue();
        assertThat(q("updated_at:<=2026-01-02T03:04:04Z").matches(at5)).isFalse();
        assertThat(q("updated_at:'2026-01-02T03:04:05Z'").matches(at5)).isTrue();
        assertThat(q("updated_at:>'2026-01-02T03:04:04.500Z'").matches(at5)).isTrue();
        assertThat(q("updated_at:>\"2026-01-02T04:04:04+01:00\"").matches(at5)).isTrue();
        assertThat(q("updated_at:>'2026-01-02 03:04:04'").matches(at5)).isTrue();
        assertThat(q("updated_at:2026-01-02").matches(at5)).isTrue();
        assertThat(q("updated_at:2026-01-03").matches(at5)).isFalse();
    }

    @Test
    void rangesForIndexing() {
        assertThat(q("updated_at:>'2026-01-02T03:04:05Z'").range("updated_at"))
                .isEqualTo(new SearchQuery.Range(sec("2026-01-02T03:04:06Z"), Long.MAX_VALUE));
        assertThat(q("updated_at:>=2026-01-02T03:04:05.200Z").range("updated_at").lo()).isEqualTo(sec("2026-01-02T03:04:06Z"));
        SearchQuery both = q("updated_at:>=2026-01-01 AND updated_at:<2026-02-01 created_at:<=2025-12-31T23:59:59Z");
        assertThat(both.range("updated_at")).isEqualTo(new SearchQuery.Range(sec("2026-01-01T00:00:00Z"), sec("2026-01-31T23:59:59Z")));
        assertThat(both.range("created_at").hi()).isEqualTo(sec("2025-12-31T23:59:59Z"));
        assertThat(q("id:>1000 id:<=2000").range("id")).isEqualTo(new SearchQuery.Range(1001, 2000));
        assertThat(q("updated_at:>2026-01-01 OR id:>5").range("updated_at")).isEqualTo(SearchQuery.Range.ALL);
        assertThat(q("id:>5 id:<3").range("id").isEmpty()).isTrue();
    }

    @Test
    void idsCompareNumericallyAndAcceptGids() {
        SearchQuery.Subject big = order(9_007_199_254_740_993L, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "paid", List.of());
        assertThat(q("id:>9007199254740992").matches(big)).isTrue();
        assertThat(q("id:>9007199254740993").matches(big)).isFalse();
        assertThat(q("id:gid://shopify/Order/9007199254740993").matches(big)).isTrue();
    }

    @Test
    void andOrNotAndParentheses() {
        SearchQuery.Subject o = order(10, "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", "paid", List.of("vip", "Noël"));
        assertThat(q("financial_status:paid AND tag:vip").matches(o)).isTrue();
        assertThat(q("financial_status:refunded OR tag:noël").matches(o)).isTrue();
        assertThat(q("-tag:vip").matches(o)).isFalse();
        assertThat(q("NOT financial_status:pending").matches(o)).isTrue();
        assertThat(q("(financial_status:refunded OR financial_status:paid) created_at:<2026-02-01").matches(o)).isTrue();
        assertThat(q("financial_status:PAI*").matches(o)).isTrue();
        assertThat(q("jon@example").matches(o)).isTrue();
        assertThat(q("nobody").matches(o)).isFalse();
    }

    @Test
    void unknownFieldsAndBadValuesAreIgnoredWithWarnings() {
        SearchQuery s = q("foo:bar updated_at:>yesterday-ish id:>2");
        assertThat(s.warnings()).hasSize(2);
        assertThat(s.matches(order(3, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "paid", List.of()))).isTrue();
        assertThat(s.matches(order(2, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "paid", List.of()))).isFalse();
        assertThat(q("").matchesAll()).isTrue();
        assertThat(q(null).matchesAll()).isTrue();
    }

    @Test
    void tokenizerKeepsQuotedSpaces() {
        assertThat(SearchQuery.tokenize("created_at:>'2026-01-02 03:04:05' AND (a OR -b)"))
                .containsExactly("created_at:>'2026-01-02 03:04:05'", "AND", "(", "a", "OR", "-b", ")");
    }
}
