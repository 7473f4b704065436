package dev.twofa.localrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DevTokenRequestTest {
    @Test
    void parse_emailIsVerifiedUnlessSaidOtherwise() throws Exception {
        assertThat(DevTokenRequest.parse(Map.of("sub", "ann", "email", "ann@example.com"))
                        .claims())
                .containsExactly(Map.entry("email", "ann@example.com"), Map.entry("email_verified", true));
        assertThat(DevTokenRequest.parse(Map.of("sub", "ann", "email", "ann@example.com", "email_verified", false))
                        .claims())
                .containsEntry("email_verified", false);
    }

    @Test
    void parse_withoutEmail_addsNoEmailVerified_unlessAsked() throws Exception {
        assertThat(DevTokenRequest.parse(Map.of("sub", "ann")).claims()).isEmpty();
        assertThat(DevTokenRequest.parse(Map.of("sub", "ann", "email_verified", false))
                        .claims())
                .containsExactly(Map.entry("email_verified", false));
    }

    @Test
    void parse_takesEveryOtherFieldAsAClaim_stringsNumbersBooleansAndStringLists() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sub", "ann");
        body.put("org_id", "acme");
        body.put("custom:tier", "gold");
        body.put("https://example.com/roles", List.of("admin"));
        body.put("level", 3);
        body.put("beta", true);

        DevTokenRequest request = DevTokenRequest.parse(body);

        assertThat(request.sub()).isEqualTo("ann");
        assertThat(request.claims())
                .containsExactly(
                        Map.entry("org_id", "acme"),
                        Map.entry("custom:tier", "gold"),
                        Map.entry("https://example.com/roles", List.of("admin")),
                        Map.entry("level", 3),
                        Map.entry("beta", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"iss", "aud", "exp", "nbf", "iat", "jti"})
    void parse_refusesTheClaimsThatMakeTheTokenValid(String name) {
        assertThatThrownBy(() -> DevTokenRequest.parse(Map.of("sub", "ann", name, "x")))
                .isInstanceOfSatisfying(DevTokenRequest.InvalidField.class, e -> assertThat(e.field())
                        .isEqualTo(name));
    }

    @Test
    void parse_refusesMissingSub_badEmail_nonBooleanEmailVerified_andValuesOfOtherShapes() {
        assertField(Map.of(), "sub");
        assertField(Map.of("sub", " "), "sub");
        assertField(Map.of("sub", "x".repeat(DevTokenRequest.MAX_SUB_CHARS + 1)), "sub");
        assertField(Map.of("sub", "ann", "email", 42), "email");
        assertField(Map.of("sub", "ann", "email_verified", "true"), "email_verified");
        assertField(Map.of("sub", "ann", "org", Map.of("id", "acme")), "org");
        assertField(Map.of("sub", "ann", "roles", List.of("a", 1)), "roles");
        assertField(Map.of("sub", "ann", "note", "x".repeat(DevTokenRequest.MAX_VALUE_CHARS + 1)), "note");
        assertField(Map.of("sub", "ann", "has space", "x"), "has space");
        Map<String, Object> nullValue = new LinkedHashMap<>();
        nullValue.put("sub", "ann");
        nullValue.put("org_id", null);
        assertField(nullValue, "org_id");
    }

    @Test
    void parse_refusesMoreThanTheMaximumNumberOfExtraClaims() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sub", "ann");
        for (int i = 0; i < DevTokenRequest.MAX_EXTRA_CLAIMS; i++) {
            body.put("c" + i, i);
        }
        assertThat(DevTokenRequest.parse(body).claims()).hasSize(DevTokenRequest.MAX_EXTRA_CLAIMS);

        body.put("one-more", 1);

        assertField(body, "one-more");
    }

    private static void assertField(Map<String, Object> body, String field) {
        assertThatThrownBy(() -> DevTokenRequest.parse(body))
                .isInstanceOfSatisfying(DevTokenRequest.InvalidField.class, e -> assertThat(e.field())
                        .isEqualTo(field));
    }
}
