package io.shopifysync.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.catalog.Catalog;
import io.shopifysync.catalog.Resource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pins the emulator's output byte for byte: SHA-256 of every catalog bulk file, of the digest JSON, of paged GraphQL
 * answers with many fields, of webhook (REST) payloads, before and after some updates and creates. The constants were
 * recorded from the code before the data generation was made cheaper; any change to generated data fails this test.
 */
class OutputIdentityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-07-01T12:34:56Z"), ZoneOffset.UTC);

    private static final String ORDERS_PAGE = "query($after: String) { orders(first: 8, after: $after) { pageInfo { hasNextPage endCursor } "
            + "edges { cursor node { id legacyResourceId name email phone note tags test confirmed closed closedAt cancelledAt "
            + "cancelReason createdAt updatedAt processedAt currencyCode presentmentCurrencyCode displayFinancialStatus "
            + "displayFulfillmentStatus fullyPaid unpaid subtotalLineItemsQuantity "
            + "totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } "
            + "subtotalPriceSet { shopMoney { amount } } currentTotalPriceSet { shopMoney { amount } presentmentMoney { amount } } "
            + "totalTaxSet { shopMoney { amount } } totalShippingPriceSet { shopMoney { amount } } "
            + "totalDiscountsSet { shopMoney { amount } } totalRefundedSet { shopMoney { amount } presentmentMoney { amount } } "
            + "customAttributes { key value } customer { id email displayName } "
            + "lineItems(first: 6) { edges { cursor node { id name title variantTitle quantity currentQuantity sku vendor "
            + "requiresShipping taxable originalUnitPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } "
            + "originalTotalSet { shopMoney { amount } } variant { id sku price } } } } "
            + "transactions(first: 5) { id kind status gateway test amountSet { shopMoney { amount } presentmentMoney { amount } } "
            + "createdAt processedAt parentTransaction { id } } } } } }";
    private static final String PRODUCTS_PAGE = "query($after: String) { products(first: 10, after: $after, sortKey: UPDATED_AT) { "
            + "pageInfo { hasNextPage endCursor } edges { cursor node { id legacyResourceId title handle status vendor productType "
            + "tags description descriptionHtml createdAt updatedAt publishedAt totalInventory hasOnlyDefaultVariant "
            + "variantsCount { count precision } seo { title description } variants(first: 12) { pageInfo { hasNextPage endCursor } "
            + "edges { cursor node { id legacyResourceId title displayName sku barcode price compareAtPrice position inventoryQuantity "
            + "inventoryPolicy taxable availableForSale selectedOptions { name value } createdAt updatedAt } } } } } } }";
    private static final String CUSTOMERS_PAGE = "query($after: String) { customers(first: 50, after: $after, reverse: true) { "
            + "pageInfo { hasNextPage endCursor } edges { cursor node { id legacyResourceId firstName lastName displayName email phone "
            + "state note tags numberOfOrders canDelete verifiedEmail validEmailAddress taxExempt locale "
            + "amountSpent { amount currencyCode } defaultAddress { id address1 address2 city country countryCodeV2 firstName "
            + "lastName name phone zip formattedArea } defaultEmailAddress { emailAddress marketingState } "
            + "defaultPhoneNumber { phoneNumber } createdAt updatedAt } } } }";
    private static final String SEARCH_PAGE = "query($after: String) { orders(first: 50, after: $after, query: \"financial_status:paid\", "
            + "sortKey: CREATED_AT, reverse: true) { pageInfo { hasNextPage endCursor } edges { cursor node { id name updatedAt "
            + "totalPriceSet { shopMoney { amount } } } } } }";

    /** label -> SHA-256 recorded from the code before the change. */
    private static final Map<String, String> EXPECTED = new HashMap<>();

    static {
        EXPECTED.put("s42/1/initial/bulk/orders", "619ea2bed93e0439827c0aa987b247f020071b4824d0f019703c93a9feba49d6");
        EXPECTED.put("s42/1/initial/bulk/products", "cdca0cd47d7d8903d946e0f9c52dc0f0a5ba4967bd4ecd1980a0acefa7bd817f");
        EXPECTED.put("s42/1/initial/bulk/customers", "c34d3593c2a002c030b111be14d8cf9e85429ed87ba49a9830ac9199eb8aa7bf");
        EXPECTED.put("s42/1/initial/bulk/order_transactions", "dfacadec913ce6b297e6af359b4e9ce02b2b50d37afef746b2063933596c333d");
        EXPECTED.put("s42/1/initial/digest", "4a09b4025a2236c41af21851dfac7cc8e4a726a0725e39068757a3a87af069a4");
        EXPECTED.put("s42/1/initial/graphql/orders", "f365f5e8ef090110ce7f18b9fe7ffcd33c962e1ebadf6a28aac5d9729b826d73");
        EXPECTED.put("s42/1/initial/graphql/products", "c36daa671c39d80b322fedd903b05b981066fc8e6d3912837fcd66fb58042ebb");
        EXPECTED.put("s42/1/initial/graphql/customers", "45e6bb4dfb49740f535c2b19c4deb84a74ee6509efcc23ca08c97e06e81cafc9");
        EXPECTED.put("s42/1/initial/graphql/search", "64627cbab7fea2b9f1a9eb739535433d950852fedf5fae826669544c110bea23");
        EXPECTED.put("s42/1/initial/webhookPayloads", "62dab992bc93c51a8dd3d8a4987a87a5b3ad98c3c09a5466f82331ed45f4aa5b");
        EXPECTED.put("s42/1/mutated/bulk/orders", "95bef6c499820e31c47786f68efcab3d6cf7bc31ed4c65714fd939328900b9de");
        EXPECTED.put("s42/1/mutated/bulk/products", "d51570b340b318f9ae88b814df4052495ed41d617da2437673b9c7d8962e1609");
        EXPECTED.put("s42/1/mutated/bulk/customers", "b721d94564209b0a98e33b12213de6d76299af5d69edfcb5a33970eefa346ac8");
        EXPECTED.put("s42/1/mutated/bulk/order_transactions", "80a41f31610a365ad1251a430993aa69a25f49d0fa07d004842e720a9abe8ad6");
        EXPECTED.put("s42/1/mutated/digest", "1037805ddecd5813e429e4245d7b4e453905d1c70901dc9a940efcbb330ce779");
        EXPECTED.put("s42/1/mutated/graphql/orders", "3b2835095778db01b09959fe96da1ed549e13c06659df77664170f42f0f6cfee");
        EXPECTED.put("s42/1/mutated/graphql/products", "34b6ce0e1602ecae83bcd5b229d3b560dd315c89a0ab5496a7dac1f23af03660");
        EXPECTED.put("s42/1/mutated/graphql/customers", "46c761ba316feab67a9043f92b27909de6ffedbd055513169f11be82803b10da");
        EXPECTED.put("s42/1/mutated/graphql/search", "567a2f81fcc4cc600d0881c565c55b18649f2f85981c6df6d60894b334e2f4df");
        EXPECTED.put("s42/1/mutated/webhookPayloads", "22ade7e21daf314df9f37ec3f8c0eeca474d690d1a9f4e39acae5c15c4c94a33");
        EXPECTED.put("s31/1/initial/bulk/orders", "78996e9146b689cd467dc3f9fc37da74858739371f2e38b808e11e4b746ee9a7");
        EXPECTED.put("s31/1/initial/bulk/products", "5cda5e6014312cbce239a849dffdb83775439c05483ee9d1deeee0c51d226286");
        EXPECTED.put("s31/1/initial/bulk/customers", "e503f4ea134b10f353d08456cc13ed099d055d5896777d8b0105f4ede4c51d09");
        EXPECTED.put("s31/1/initial/bulk/order_transactions", "cd48c32d67128e9c4b5f4eeca712de15fa7c39d8273a47790b7f6abe954545b1");
        EXPECTED.put("s31/1/initial/digest", "d4c1a9db3bb6c4c468ef655c490aaa0f50ac3872bfb63fd5ca98ffcdf34053df");
        EXPECTED.put("s31/1/initial/graphql/orders", "048e8c33b8fb20178c085d2eae62f87aac10e3ec01ddca20a7ec7d4531425c17");
        EXPECTED.put("s31/1/initial/graphql/products", "1a29beeb8eef0ea15dbba56e5cd5900bdc45cf0ef00981d8f752836466c7328a");
        EXPECTED.put("s31/1/initial/graphql/customers", "97503400c891e707068ffe8d64e924c5bcf503845e8ab42d78014429aa5c6fa1");
        EXPECTED.put("s31/1/initial/graphql/search", "d640a0bfa5860a4e221c45149a35bb9d112409e230c8274a9f6978e244a10acd");
        EXPECTED.put("s31/1/initial/webhookPayloads", "bd40162482ac0aa3e96d7854406cd82a804ac524abb86c3d46aa4001ca710a9e");
        EXPECTED.put("s31/1/mutated/bulk/orders", "644032882084362d814a92471d11095457bc8849528deb3f58cd1c5f30b862fa");
        EXPECTED.put("s31/1/mutated/bulk/products", "25eeb0af5eb1cb02c1cc9892010ad03134d50d4acbf185fa3145c9ea31fc4cb7");
        EXPECTED.put("s31/1/mutated/bulk/customers", "4de38196bbd62cb0664a6f33d6ab1ba8e05b77d5faee75e29faeffee506d9cbe");
        EXPECTED.put("s31/1/mutated/bulk/order_transactions", "73f5c4d32d2a83b1715a46fb81bb104c1a8538976d3a8251a01ca86ba78681cf");
        EXPECTED.put("s31/1/mutated/digest", "47b84a42c6b9c2bd22f31b694c8672933dddb67e02ccf4ca652df80d65f87183");
        EXPECTED.put("s31/1/mutated/graphql/orders", "d96116e3e802cc41ee522e68b4178bd14aad3dd7cc7016e244419d4ff9385bbe");
        EXPECTED.put("s31/1/mutated/graphql/products", "1a1dcd14e90f4f2fe51c975d954119245414d51e48a4eaa4f316c806060bd735");
        EXPECTED.put("s31/1/mutated/graphql/customers", "d5e0baa95b3484a04b819ba5164768742e499e25a4492a2b8ac86920760dfbf0");
        EXPECTED.put("s31/1/mutated/graphql/search", "fe2ea8c00ab0e4b69bb6e147ffbbd8df00b80ea2a599bd504431dd7d4e2cf018");
        EXPECTED.put("s31/1/mutated/webhookPayloads", "4a64c9ed2fce76f11237eb70891a8507387bbbb4bdfcfe945b5b370d02acffbb");
        EXPECTED.put("s77/1/initial/bulk/orders", "ea30344fbb0ce413b61e754b5c4a5050ed7794d40be2c0453e8d4ed8deca09f1");
        EXPECTED.put("s77/1/initial/bulk/products", "edd51951aa7fa04d51d7f24559c8c0b124b29ad41884a4d8f8365529711e4787");
        EXPECTED.put("s77/1/initial/bulk/customers", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        EXPECTED.put("s77/1/initial/bulk/order_transactions", "13058663b7f2857147c71a1028724d8cf5e427b7517e34cc556f97a02ebba423");
        EXPECTED.put("s77/1/initial/digest", "1dfe4959f647a3852b9900c92cd7f39205bbdc7644be8529bff35b604f4d6207");
        EXPECTED.put("s77/1/initial/graphql/orders", "3dc69891c1e466b6b52f85d9e1ade78a3078d9bb285064aa2e7ad928a5146dba");
        EXPECTED.put("s77/1/initial/graphql/products", "ae1b292e17d7daf22e68df70aff05dcd7348a89f41e3faef38789359453d48c0");
        EXPECTED.put("s77/1/initial/graphql/customers", "4331bdbc9bda6f25e0a7ca6cb1b604857e76e842ceea6854e2d63c46d4357044");
        EXPECTED.put("s77/1/initial/graphql/search", "5aae2a335e6215809c3a588b1bafc45f7b8765f316940081e29f96d9eb9c3a15");
        EXPECTED.put("s77/1/initial/webhookPayloads", "7901d867705f4a316e03eab1727badf7b8e2c7a294267e7f1954ad7618ae3465");
        EXPECTED.put("s77/1/mutated/bulk/orders", "e2d29887392173a1185bd216c119507936648bde891548813cfa60b390ad0929");
        EXPECTED.put("s77/1/mutated/bulk/products", "af671059c7506ec7b85d5094db782c4d20793eb6d4b4de388af677388fe02144");
        EXPECTED.put("s77/1/mutated/bulk/customers", "623d42c5d6ac2c0f4e8861834c896764cb6665862af3235788dc0c8fd8457eb1");
        EXPECTED.put("s77/1/mutated/bulk/order_transactions", "4681c2426129b69df0d1f0ca19f2710d51f2d694da66accdad575ebb3fb79e00");
        EXPECTED.put("s77/1/mutated/digest", "ceca4be898d375e8607e8be854ff1740ae13012c10b3f9cbf5e3f58846e5abe5");
        EXPECTED.put("s77/1/mutated/graphql/orders", "e8fc218c16ed1f003a168aa7a9be360a9a56c5cdff139ceac027e30ef754b499");
        EXPECTED.put("s77/1/mutated/graphql/products", "2bbca8c169094a3fb6661dc187490dc8df13449b85f12405a1f997f362288d4a");
        EXPECTED.put("s77/1/mutated/graphql/customers", "6fd2347ce13cc936f58b3dd98d8103a47631ff92c6aa63bd7c1ee0fc331e2c90");
        EXPECTED.put("s77/1/mutated/graphql/search", "9561af9a146b3472728379dbc5b1ebf64f229706fd5033fee820c200a7963ab2");
        EXPECTED.put("s77/1/mutated/webhookPayloads", "79c20ed7079c1c961ab17dff710550bfa237342242132ede3013ae68b16a898c");
        EXPECTED.put("s8/1/initial/bulk/orders", "6140ce1eb838b7c23f422943d365f1abdfefc62e0b21cfc2c1ac4d722ae5d49e");
        EXPECTED.put("s8/1/initial/bulk/products", "574532e6c18de9d61b3b55b74931fee6d2ac44bcc9de32d3c01a4b7f8ce78fb2");
        EXPECTED.put("s8/1/initial/bulk/customers", "1320228443615d70c884fa2739018e40c1600f4ecfa3687a0383980868cf56e9");
        EXPECTED.put("s8/1/initial/bulk/order_transactions", "e77cd930afa976f92fa92d2496c01108d21d369e76eaa70a6554c700cc098fe8");
        EXPECTED.put("s8/1/initial/digest", "6ad1136739f11088fe3fdc03516a190d49b60823b4db920961f7a82cb8aa0c97");
        EXPECTED.put("s8/1/initial/graphql/orders", "46491485d3da37c3c1a7536b0e9469da02e3cfbe3d33cf4130fe7588014bac8f");
        EXPECTED.put("s8/1/initial/graphql/products", "85f5314fcef350cb7bc45873f4944973bb654d8bc4a2044f0aa499279d3e75b6");
        EXPECTED.put("s8/1/initial/graphql/customers", "83e71397b47ecbb1ce5b45ac6e9e6b99b6a7cb594aad83e23930636c43f1f90b");
        EXPECTED.put("s8/1/initial/graphql/search", "1d9079d802b16ccc603121d62e8a0f92a679d866130011831c191a53aa6d29f5");
        EXPECTED.put("s8/1/initial/webhookPayloads", "59089972eb843056a9a41334185e96946943987d32208f4cfaa07e77dd6c697f");
        EXPECTED.put("s8/1/mutated/bulk/orders", "89034a4a4e1a71885eaa9dd35eeb1a9b5bd721df858179b2f1ae02e699f7c9dc");
        EXPECTED.put("s8/1/mutated/bulk/products", "a2f6ea6de03565ea854347c3af67f7b56f6e8542b26845f50d1ffc9e17944829");
        EXPECTED.put("s8/1/mutated/bulk/customers", "1e58757459e9ee10cb8d8c8c33add8ab1331465939169246704fccfefcab82c6");
        EXPECTED.put("s8/1/mutated/bulk/order_transactions", "2e04ad2aa4f5cffc890665e7eb70c63589253b7a61f9236395750d75cf5e94e1");
        EXPECTED.put("s8/1/mutated/digest", "d23378b6b482ffcf54b050db67adea31d36907bb843ab1d184a38412e23d01ce");
        EXPECTED.put("s8/1/mutated/graphql/orders", "82a977cf8264034db59e747949a5ab3818e8fcae858840a178e93b6b6e3cf629");
        EXPECTED.put("s8/1/mutated/graphql/products", "28fe850e3e626a8c236c7bac63850aadac1e619f7936fafd00e67ea484cc5c45");
        EXPECTED.put("s8/1/mutated/graphql/customers", "311f5d8ba9163b64a47dd1ce2794707b4046cbd7eae3bab5f81f7d2c8f8a29e8");
        EXPECTED.put("s8/1/mutated/graphql/search", "e7c3a89d171ca72b818dbe61da3796b2ed2716bbd0005ddaaa4d6076b8b0fdd5");
        EXPECTED.put("s8/1/mutated/webhookPayloads", "8748a9ecc62013d1dc29a9eac3fcfb960beb7ff4a0e735b21ad661a99519c83f");
        EXPECTED.put("s8/2/initial/bulk/orders", "ffc54e947d4dc7eb952731fa018edcd94a1ea325c7171b5701663775396ec36e");
        EXPECTED.put("s8/2/initial/bulk/products", "b30f88a800cd16bca9c5e41f0cb7b3cde305999e19771b462e66f3efad49e769");
        EXPECTED.put("s8/2/initial/bulk/customers", "216162a12901c8707abb80526d8697bc89798db01216836b069c2785243ca28b");
        EXPECTED.put("s8/2/initial/bulk/order_transactions", "d10f51f71c405f08faa76ac3a2641466f5d6642464c14ba2d4135105e1b4aa07");
        EXPECTED.put("s8/2/initial/digest", "0e8e973a1cecfac724de5e6c1b28c7758c806a69166cc1fa2a52e5c735d5cb7e");
        EXPECTED.put("s8/2/initial/graphql/orders", "59717f14ffef588f2ee03757be7b1c5d43a6ae2327c1f6046734a85df77d5fd5");
        EXPECTED.put("s8/2/initial/graphql/products", "16dfe7e3013ef5365d8d88f1d0a65758f818b75cc7fcfd0a67daf7d7c4b8419b");
        EXPECTED.put("s8/2/initial/graphql/customers", "0d62809b7dca3c77b2a281b39db9cbae320efe5a676acddc5f8145d64944a31a");
        EXPECTED.put("s8/2/initial/graphql/search", "949bf6261a28b21b7ce53e2e016736dd1b8e5ef345d81011876bc5f238bf8ffd");
        EXPECTED.put("s8/2/initial/webhookPayloads", "b4c0991f2bf30449ee91966c50133fdb71c87f65b65ffe503e5f00cad61f408c");
        EXPECTED.put("s8/2/mutated/bulk/orders", "a0a973a5e6bd0a7c3b4b6f7e97cbdd4d4d42ea313ca211935067bd5e85c4f2c5");
        EXPECTED.put("s8/2/mutated/bulk/products", "2b0d4070d11c4fc6750152614d754d61d5d86cbfba765bb4909132c16ea06675");
        EXPECTED.put("s8/2/mutated/bulk/customers", "469066073689d2a46ec447fd63022863597fcd2c9906c86d1c222152cf10ccd1");
        EXPECTED.put("s8/2/mutated/bulk/order_transactions", "64222b44b13bbc22aef0dd6b64a5fbeda9062b4c407daeb388872577d7bb55e6");
        EXPECTED.put("s8/2/mutated/digest", "70490939d95d877b5ee3bffb3a81cb7e62e8c906599f90eacc888b1079149353");
        EXPECTED.put("s8/2/mutated/graphql/orders", "517f766cb42ea47e1b725201defc6226b0f532b7bd123d7a93111e30256f97ee");
        EXPECTED.put("s8/2/mutated/graphql/products", "4ff0365fadd679d82479136d4f9c57b9998af552c1a908d87ccd93df5d3b984e");
        EXPECTED.put("s8/2/mutated/graphql/customers", "ddd3fb93f37d892f7fc62f58ff20dc5c7fb685c53548df73079642c44df8a80b");
        EXPECTED.put("s8/2/mutated/graphql/search", "26db925a9e7b3fae5e88f51a7c81fc9757be61a2d624bc30e1b16fbbbf19b73b");
        EXPECTED.put("s8/2/mutated/webhookPayloads", "3e6459ab5e0f401dbcf313fb4806359515247de174a741e0055a7ae02ca97dd0");
    }

    @Test
    void outputIsByteForByteWhatItWas() throws Exception {
        Map<String, String> actual = new LinkedHashMap<>();
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(42).orders(3000).products(600).customers(3000)
                .plan("plus").timeScale(0).clock(FIXED).start()) {
            pin(actual, "s42", emu, 3);
        }
        // the 300-line-item order, the 2048-variant product, customers with and without addresses
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(31).orders(40).products(10).customers(20)
                .plan("plus").timeScale(0).clock(FIXED).start()) {
            pin(actual, "s31", emu, 3);
        }
        // orders without a customer
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(1).seed(77).orders(12).products(3).customers(0)
                .plan("plus").timeScale(0).clock(FIXED).start()) {
            pin(actual, "s77", emu, 2);
        }
        // two shops: the second has another currency and time zone and customer ids above 2^53
        try (ShopifyEmulator emu = ShopifyEmulator.builder().port(0).shops(2).seed(8).orders(300).products(40).customers(200)
                .plan("plus").timeScale(0).clock(FIXED).start()) {
            pin(actual, "s8", emu, 2);
        }
        StringBuilder report = new StringBuilder();
        actual.forEach((k, v) -> report.append("        EXPECTED.put(\"").append(k).append("\", \"").append(v).append("\");\n"));
        System.out.println("OutputIdentityTest actual hashes:\n" + report);
        assertThat(actual).hasSize(EXPECTED.size()).containsExactlyInAnyOrderEntriesOf(EXPECTED);
    }

    private static void pin(Map<String, String> out, String label, ShopifyEmulator emu, int pages) throws Exception {
        for (ShopState shop : emu.states()) {
            String l = label + "/" + shop.number;
            pinState(out, l + "/initial", emu, shop, pages);
            // updates and creates: objects at version > 0 and past the initial ones
            for (ResourceKind kind : ResourceKind.values()) {
                int live = shop.store(kind).liveCount();
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < live; i += Math.max(1, live / 7)) {
                    ids.add(shop.gen.ids(kind).id(i));
                }
                for (int round = 0; round < 3; round++) {
                    emu.mutate(shop, kind, "update", 0, ids);
                }
                emu.mutate(shop, kind, "create", 4, null);
            }
            pinState(out, l + "/mutated", emu, shop, 1);
        }
    }

    private static void pinState(Map<String, String> out, String label, ShopifyEmulator emu, ShopState shop, int pages) throws Exception {
        for (Resource r : Catalog.load().resources()) {
            out.put(label + "/bulk/" + r.name(), sha(fileOf(runToEnd(emu, shop, r.bulkQuery(null)))));
        }
        out.put(label + "/digest", sha(emu.digest(shop.domain).getBytes(StandardCharsets.UTF_8)));
        out.put(label + "/graphql/orders", sha(pagesOf(emu, shop, ORDERS_PAGE, "orders", pages)));
        out.put(label + "/graphql/products", sha(pagesOf(emu, shop, PRODUCTS_PAGE, "products", pages)));
        out.put(label + "/graphql/customers", sha(pagesOf(emu, shop, CUSTOMERS_PAGE, "customers", pages)));
        out.put(label + "/graphql/search", sha(pagesOf(emu, shop, SEARCH_PAGE, "orders", pages)));
        StringBuilder rest = new StringBuilder();
        for (ResourceKind kind : ResourceKind.values()) {
            int size = shop.store(kind).size();
            for (int i = 0; i < size; i += Math.max(1, size / 60)) {
                Map<String, Object> obj = shop.load(kind, i);
                if (obj != null) {
                    Map<String, Object> payload = switch (kind) {
                        case ORDER -> RestShapes.order(shop, obj);
                        case PRODUCT -> RestShapes.product(shop, obj);
                        case CUSTOMER -> RestShapes.customer(shop, obj);
                    };
                    rest.append(Json.string(payload)).append('\n');
                }
            }
        }
        out.put(label + "/webhookPayloads", sha(rest.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** The data (and errors) of consecutive pages, without extensions (the cost's throttle status depends on time). */
    private static byte[] pagesOf(ShopifyEmulator emu, ShopState shop, String query, String root, int pages) throws Exception {
        StringBuilder sb = new StringBuilder();
        String after = null;
        for (int p = 0; p < pages; p++) {
            shop.bucket.refund(1_000_000);
            Map<String, Object> vars = new HashMap<>();
            vars.put("after", after);
            GraphQlEngine.Response res = emu.engine().execute(shop, query, null, vars);
            JsonNode body = JSON.readTree(res.body());
            assertThat(body.has("errors")).as(query + " " + body.path("errors")).isFalse();
            sb.append(res.status()).append(' ').append(body.path("data")).append('\n');
            JsonNode info = body.path("data").path(root).path("pageInfo");
            if (!info.path("hasNextPage").asBoolean()) {
                break;
            }
            after = info.path("endCursor").asText();
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> runToEnd(ShopifyEmulator emu, ShopState shop, String query) {
        Map<String, Object> started = emu.bulk().runQuery(shop, query, false);
        String gid = (String) ((Map<String, Object>) started.get("bulkOperation")).get("id");
        Map<String, Object>[] last = new Map[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10)).until(() -> {
            last[0] = emu.bulk().get(shop, gid);
            return !Set.of("CREATED", "RUNNING", "CANCELING").contains((String) last[0].get("status"));
        });
        assertThat(last[0].get("status")).as(query).isEqualTo("COMPLETED");
        return last[0];
    }

    private static byte[] fileOf(Map<String, Object> op) {
        Object url = op.get("url");
        if (url == null) {
            return new byte[0];
        }
        GraphqlClient.Resp r = GraphqlClient.send(HttpRequest.newBuilder(URI.create((String) url)).GET().build());
        assertThat(r.status()).isEqualTo(200);
        return r.bytes();
    }

    private static String sha(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
