package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataGeneratorTest {

    private static DataGenerator gen(long seed) {
        return new DataGenerator(seed, 1, 300, 40, 100);
    }

    @Test
    void sameSeedSameData_otherSeedOtherData() {
        DataGenerator a = gen(42);
        DataGenerator b = gen(42);
        DataGenerator c = gen(43);
        long[] created = a.initialCreated(ResourceKind.ORDER, 300);
        assertThat(b.initialCreated(ResourceKind.ORDER, 300)).isEqualTo(created);
        assertThat(b.initialUpdated(ResourceKind.ORDER, created)).isEqualTo(a.initialUpdated(ResourceKind.ORDER, created));
        for (int i = 0; i < 50; i++) {
            assertThat(b.order(i, 1, 2, 0, null)).isEqualTo(a.order(i, 1, 2, 0, null));
            assertThat(b.product(i, 1, 2, 3)).isEqualTo(a.product(i, 1, 2, 3));
            assertThat(b.customer(i, 1, 2, 1)).isEqualTo(a.customer(i, 1, 2, 1));
        }
        assertThat(c.orderIds.id(5)).isNotEqualTo(a.orderIds.id(5));
        List<Object> titlesA = new ArrayList<>();
        List<Object> titlesC = new ArrayList<>();
        for (int i = 4; i < 40; i++) {
            titlesA.add(a.product(i, 1, 1, 0).get("title"));
            titlesC.add(c.product(i, 1, 1, 0).get("title"));
        }
        assertThat(titlesC).isNotEqualTo(titlesA);
    }

    @Test
    void anOrderWhoseCustomerIsGoneKeepsItsTransactionsAndEverythingNotTakenFromTheCustomer() {
        // deleting a customer does not bump its orders' updatedAt, so nothing a poll compares may change with it
        DataGenerator g = gen(9);
        int checked = 0;
        for (int i = 0; i < 300; i++) {
            int ci = g.orderCustomerIndex(i);
            if (ci < 0) {
                continue;
            }
            Map<String, Object> customer = g.customer(ci, 1, 2, 0);
            for (int version = 0; version < 3; version++) {
                Map<String, Object> with = new java.util.HashMap<>(g.order(i, 1, 2, version, customer));
                Map<String, Object> without = new java.util.HashMap<>(g.order(i, 1, 2, version, null));
                assertThat(without.get("transactions")).as("order %d v%d", i, version).isEqualTo(with.get("transactions"));
                for (String fromCustomer : List.of("email", "phone", "_customer")) {
                    with.remove(fromCustomer);
                    without.remove(fromCustomer);
                }
                assertThat(without).as("order %d v%d", i, version).isEqualTo(with);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(500);
    }

    @Test
    void idsIncreaseWithTheIndexAndMapBack() {
        DataGenerator g = gen(7);
        for (ResourceKind k : ResourceKind.values()) {
            DataGenerator.IdScheme ids = g.ids(k);
            long prev = Long.MIN_VALUE;
            for (int i = 0; i < 5000; i++) {
                long id = ids.id(i);
                assertThat(id).isGreaterThan(prev);
                assertThat(ids.indexOf(id)).isEqualTo(i);
                assertThat(ids.indexOf(id + 1)).isIn(-1, i + 1);
                assertThat(ids.floorIndex(id + 1)).isEqualTo(i);
                prev = id;
            }
        }
    }

    @Test
    void customerIdsCross2Pow53() {
        DataGenerator g = gen(42);
        assertThat(g.customerIds.id(20)).isEqualTo(9_007_199_254_740_993L);
        assertThat(g.customerIds.id(19)).isLessThan(1L << 53);
        assertThat(new DataGenerator(42, 2, 1, 1, 1).customerIds.id(0)).isGreaterThan(1L << 53);
        assertThat(g.customer(20, 1, 1, 0).get("legacyResourceId")).isEqualTo("9007199254740993");
    }

    @Test
    void awkwardObjectsExist() {
        DataGenerator g = gen(42);
        assertThat(g.lineItemCount(DataGenerator.BIG_ORDER_INDEX)).isEqualTo(300);
        assertThat(g.variantCount(DataGenerator.BIG_PRODUCT_INDEX, 0)).isEqualTo(2048);
        assertThat(new DataGenerator(42, 1, 19, 9, 10).lineItemCount(DataGenerator.BIG_ORDER_INDEX)).isLessThan(300);
        assertThat(g.customer(0, 1, 1, 0).get("displayName")).isEqualTo("Zoë Ångström");
        assertThat(g.customer(1, 1, 1, 0).get("displayName")).isEqualTo("李小龙");
        assertThat((String) g.customer(2, 1, 1, 0).get("displayName")).contains("🦄");
        Map<String, Object> noEmail = g.customer(3, 1, 1, 0);
        assertThat(noEmail.get("email")).isNull();
        assertThat(noEmail.get("defaultEmailAddress")).isNull();
        int cancelled = 0;
        int refunds = 0;
        for (int i = 0; i < 300; i++) {
            Map<String, Object> o = g.order(i, 1, 2, 0, null);
            if (o.get("cancelledAt") != null) {
                cancelled++;
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> txs = (List<Map<String, Object>>) o.get("transactions");
            if (txs.stream().anyMatch(t -> "REFUND".equals(t.get("kind")))) {
                refunds++;
            }
            assertThat(txs).allSatisfy(t -> assertThat((String) t.get("id")).startsWith("gid://shopify/OrderTransaction/"));
        }
        assertThat(cancelled).isGreaterThan(10);
        assertThat(refunds).isGreaterThan(10);
    }

    @Test
    void manyObjectsShareOneUpdatedAtSecond_andCreatedAtNeverDecreases() {
        DataGenerator g = gen(42);
        long[] created = g.initialCreated(ResourceKind.ORDER, 1000);
        long[] updated = g.initialUpdated(ResourceKind.ORDER, created);
        int ties = 0;
        for (int i = 0; i < created.length; i++) {
            if (i > 0) {
                assertThat(created[i]).isGreaterThanOrEqualTo(created[i - 1]);
            }
            assertThat(updated[i]).isGreaterThanOrEqualTo(created[i]);
            if (updated[i] == DataGenerator.TIE_SECOND) {
                ties++;
            }
        }
        assertThat(ties).isGreaterThan(50);
    }

    @Test
    void moneyFormatsAreShopifys() {
        assertThat(DataGenerator.decimal(70499)).isEqualTo("704.99");
        assertThat(DataGenerator.decimal(830560)).isEqualTo("8305.6");
        assertThat(DataGenerator.decimal(6400)).isEqualTo("64.0");
        assertThat(DataGenerator.money(8500)).isEqualTo("85.00");
    }

    @Test
    void tokensAreDeterministic() {
        assertThat(ShopState.tokenFor(42, "sandbox-1.myshopify.com", 0))
                .isEqualTo(ShopState.tokenFor(42, "sandbox-1.myshopify.com", 0))
                .matches("shpat_[0-9a-f]{32}")
                .isNotEqualTo(ShopState.tokenFor(43, "sandbox-1.myshopify.com", 0));
    }
}
