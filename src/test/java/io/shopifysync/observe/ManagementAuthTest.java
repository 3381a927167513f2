package io.shopifysync.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.admin.AdminAuth;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The credential forms the management port accepts and refuses, without a server. */
class ManagementAuthTest {

    private static final String TOKEN = "s3cret-token";

    private static ManagementAuth guard(String token) {
        return new ManagementAuth(new AdminAuth(token), "admin", Set.of(), "/observe/health", null);
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsBearerAndBasicWithTheAdminUser() {
        ManagementAuth g = guard(TOKEN);
        assertThat(g.authorized("Bearer " + TOKEN)).isTrue();
        assertThat(g.authorized("bearer " + TOKEN)).as("scheme is case-insensitive").isTrue();
        assertThat(g.authorized("Bearer  " + TOKEN + " ")).as("surrounding blanks").isTrue();
        assertThat(g.authorized(basic("admin:" + TOKEN))).isTrue();
        assertThat(g.authorized("basic " + Base64.getEncoder().encodeToString(("admin:" + TOKEN).getBytes(StandardCharsets.UTF_8))))
                .isTrue();
    }

    @Test
    void refusesEverythingElse() {
        ManagementAuth g = guard(TOKEN);
        assertThat(g.authorized("Bearer wrong")).isFalse();
        assertThat(g.authorized("Bearer ")).isFalse();
        assertThat(g.authorized(TOKEN)).as("no scheme").isFalse();
        assertThat(g.authorized("Token " + TOKEN)).isFalse();
        assertThat(g.authorized(basic("root:" + TOKEN))).as("other user").isFalse();
        assertThat(g.authorized(basic("admin:wrong"))).isFalse();
        assertThat(g.authorized(basic("admin" + TOKEN))).as("no colon").isFalse();
        assertThat(g.authorized(basic(":" + TOKEN))).as("empty user").isFalse();
        assertThat(g.authorized("Basic %%%")).as("not base64").isFalse();
    }

    @Test
    void refusesEvenAnEmptyPasswordWhenNoTokenIsConfigured() {
        for (String none : new String[] {null, "", "   "}) {
            ManagementAuth g = guard(none);
            assertThat(g.authorized("Bearer ")).isFalse();
            assertThat(g.authorized(basic("admin:"))).isFalse();
            assertThat(g.authorized("Bearer null")).isFalse();
        }
    }
}
