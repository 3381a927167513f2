package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Paging over the store: stable cursors, ties broken by id, no skips or repeats while objects change. */
class ResourceStoreTest {

    private static final long TIE = 1_800_000_000L;

    private static ResourceStore store(int n) {
        long[] c = new long[n];
        long[] u = new long[n];
        for (int i = 0; i < n; i++) {
            c[i] = 1_700_000_000L + i / 10;
            u[i] = i % 3 == 0 ? TIE : c[i] + 5;
        }
        ResourceStore s = new ResourceStore(ResourceKind.ORDER);
        s.load(c, u);
        return s;
    }

    private static final DataGenerator.IdScheme IDS = new DataGenerator.IdScheme(1000, 16, 1);

    private static List<Integer> pageAll(ResourceStore s, ConnectionPaging.Sort sort, boolean reverse, int size, SearchQuery q, Runnable betweenPages) {
        List<Integer> seen = new ArrayList<>();
        Long after = null;
        while (true) {
            ConnectionPaging.Page p = ConnectionPaging.page(s, IDS, sort, reverse, size, after, null, null, q, (i, c, u, v) -> true);
            for (ConnectionPaging.Item it : p.items()) {
                seen.add(it.index());
            }
            if (!p.hasNext()) {
                return seen;
            }
            ConnectionPaging.Item last = p.items().get(p.items().size() - 1);
            after = last.key();
            betweenPages.run();
        }
    }

    @Test
    void updatedAtPagingWithTiesNeverSkipsOrRepeats() {
        ResourceStore s = store(1000);
        List<Integer> seen = pageAll(s, ConnectionPaging.Sort.UPDATED_AT, false, 7, SearchQuery.all(), () -> { });
        assertThat(seen).hasSize(1000).doesNotHaveDuplicates();
        long prevU = 0;
        int prevI = -1;
        for (int i : seen) {
            long u = s.get(i)[1];
            assertThat(u > prevU || (u == prevU && i > prevI)).isTrue();
            prevU = u;
            prevI = i;
        }
    }

    @Test
    void objectsUpdatedWhilePagingMoveToTheEnd_andNothingIsSkipped() {
        ResourceStore s = store(500);
        int[] step = {0};
        Set<Integer> updated = new HashSet<>();
        List<Integer> seen = pageAll(s, ConnectionPaging.Sort.UPDATED_AT, false, 25, SearchQuery.all(), () -> {
            int idx = (step[0] * 37) % 500;
            step[0]++;
            s.touch(idx, TIE + 100 + step[0]);
            updated.add(idx);
        });
        assertThat(new HashSet<>(seen)).hasSize(500);
        assertThat(seen.size() - 500).isLessThanOrEqualTo(updated.size());
    }

    @Test
    void reverseAndIdOrderAndBackwardPaging() {
        ResourceStore s = store(100);
        assertThat(pageAll(s, ConnectionPaging.Sort.ID, true, 9, SearchQuery.all(), () -> { })).first().isEqualTo(99);
        ConnectionPaging.Page lastPage = ConnectionPaging.page(s, IDS, ConnectionPaging.Sort.ID, false, null, null, 10, null, SearchQuery.all(), (i, c, u, v) -> true);
        assertThat(lastPage.items()).extracting(ConnectionPaging.Item::index).containsExactly(90, 91, 92, 93, 94, 95, 96, 97, 98, 99);
        assertThat(lastPage.hasPrevious()).isTrue();
        assertThat(lastPage.hasNext()).isFalse();
        ConnectionPaging.Page before = ConnectionPaging.page(s, IDS, ConnectionPaging.Sort.ID, false, null, null, 5, 90L, SearchQuery.all(), (i, c, u, v) -> true);
        assertThat(before.items()).extracting(ConnectionPaging.Item::index).containsExactly(85, 86, 87, 88, 89);
        assertThat(before.hasNext()).isTrue();
    }

    @Test
    void deletesAreSkippedAndFiltersNarrowTheScan() {
        ResourceStore s = store(100);
        s.delete(0);
        s.delete(3);
        s.touch(5, TIE + 1);
        SearchQuery q = SearchQuery.parse("updated_at:>=" + java.time.Instant.ofEpochSecond(TIE), ResourceKind.ORDER.searchFields);
        List<Integer> tie = pageAll(s, ConnectionPaging.Sort.UPDATED_AT, false, 10, q, () -> { });
        assertThat(tie).doesNotContain(0, 3).contains(5, 6, 9).endsWith(5);
        assertThat(s.liveCount()).isEqualTo(98);
        int idx = s.append(1_600_000_000L, 1_600_000_000L);
        assertThat(s.get(idx)[0]).isEqualTo(s.get(99)[0]); // createdAt raised so index order stays createdAt order
    }
}
