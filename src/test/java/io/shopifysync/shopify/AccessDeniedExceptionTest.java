package io.shopifysync.shopify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** ACCESS_DENIED answers become one classified failure naming the refused fields, never the remote text. */
class AccessDeniedExceptionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void namesTheProtectedFieldsFromThePathsAndNothingFromTheMessage() throws Exception {
        var errors = JSON.readTree("""
                [{"message":"This app is not approved to access the Customer object. See https://evil.example/<script> for more details.",
                  "path":["customers","edges",0,"node","firstName"],"extensions":{"code":"ACCESS_DENIED"}},
                 {"message":"x","path":["customers","edges",0,"node","defaultEmailAddress"],"extensions":{"code":"ACCESS_DENIED"}},
                 {"message":"y","path":["customers","edges",1,"node","<img src=x>"],"extensions":{"code":"ACCESS_DENIED"}},
                 {"message":"Throttled","extensions":{"code":"THROTTLED"}}]""");
        AccessDeniedException e = AccessDeniedException.from(errors);
        assertThat(e).isNotNull();
        assertThat(e.fields()).containsExactlyInAnyOrder("firstName", "defaultEmailAddress", "node");
        assertThat(e.getMessage()).startsWith("ACCESS_DENIED: protected customer data not approved: ")
                .contains("name").contains("email").doesNotContain("evil").doesNotContain("<");
        assertThat(e.kind()).isEqualTo(ShopifyApiException.Kind.QUERY_REJECTED);
        assertThat(e.bulkOperationsRefused()).isFalse();
    }

    @Test
    void theCustomerObjectBulkRefusalAndUnknownFields() throws Exception {
        assertThat(AccessDeniedException.from(JSON.readTree("[{\"path\":[\"customers\"],\"extensions\":{\"code\":\"ACCESS_DENIED\"}}]"))
                .getMessage()).isEqualTo("ACCESS_DENIED: protected customer data not approved: the Customer object (level 1)");
        AccessDeniedException bulk = AccessDeniedException.from(JSON.readTree(
                "[{\"path\":[\"bulkOperationRunQuery\"],\"extensions\":{\"code\":\"ACCESS_DENIED\"}}]"));
        assertThat(bulk.bulkOperationsRefused()).isTrue();
        assertThat(bulk.getMessage()).isEqualTo("ACCESS_DENIED: bulk operations not allowed for this app");
        assertThat(AccessDeniedException.from(JSON.readTree("[{\"path\":[\"orders\"],\"extensions\":{\"code\":\"ACCESS_DENIED\"}}]"))
                .getMessage()).contains("access denied to orders").contains("missing access scope");
        assertThat(AccessDeniedException.from(JSON.readTree("[{\"extensions\":{\"code\":\"ACCESS_DENIED\"}}]")).getMessage())
                .startsWith("ACCESS_DENIED: access denied");
        assertThat(AccessDeniedException.from(JSON.readTree("[{\"extensions\":{\"code\":\"THROTTLED\"}}]"))).isNull();
    }
}
