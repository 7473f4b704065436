package dev.twofa.localrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalJwtTest {
    private static final String ISSUER = "http://127.0.0.1:3000/dev";
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    private final MovableClock clock = new MovableClock(NOW);
    private final LocalJwt jwt = new LocalJwt(ISSUER, new SecureRandom(), clock);

    @Test
    void verify_acceptsItsOwnToken_andReturnsTheClaims() {
        String token = jwt.issue("user-1", "user-1@example.test");

        assertThat(jwt.verify(token)).hasValueSatisfying(claims -> {
            assertThat(claims)
                    .containsEntry("sub", "user-1")
                    .containsEntry("email", "user-1@example.test")
                    .containsEntry("iss", ISSUER)
                    .containsEntry("aud", LocalJwt.AUDIENCE);
            assertThat(((Number) claims.get("exp")).longValue())
                    .isEqualTo(NOW.plus(LocalJwt.LIFETIME).getEpochSecond());
        });
    }

    @Test
    void issue_withExtraClaims_putsThemInTheToken_besideTheOnesThisRunSets() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("email", "user-1@example.test");
        extra.put("email_verified", true);
        extra.put("org_id", "acme");
        extra.put("groups", List.of("admins"));

        String token = jwt.issueWithClaims("user-1", extra);

        assertThat(jwt.verify(token)).hasValueSatisfying(claims -> assertThat(claims)
                .containsEntry("sub", "user-1")
                .containsEntry("iss", ISSUER)
                .containsEntry("email_verified", true)
                .containsEntry("org_id", "acme")
                .containsEntry("groups", List.of("admins")));
    }

    @Test
    void issue_refusesExtraClaimsThisRunSets_andTokensTooLongToVerify() {
        for (String reserved : List.of("iss", "sub", "aud", "iat", "exp", "nbf", "jti")) {
            assertThatThrownBy(() -> jwt.issueWithClaims("user-1", Map.of(reserved, "x")))
                    .as(reserved)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> jwt.issueWithClaims("user-1", Map.of("big", "x".repeat(LocalJwt.MAX_TOKEN_CHARS))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void verify_rejectsTokenSignedByAnotherRun() {
        LocalJwt otherRun = new LocalJwt(ISSUER, new SecureRandom(), clock);

        assertThat(jwt.verify(otherRun.issue("user-1", null))).isEmpty();
    }

    @Test
    void verify_rejectsTamperedClaims() {
        String[] parts = jwt.issue("user-1", null).split("\\.");
        String forged = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("user-1", "admin-1")
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(jwt.verify(parts[0] + "." + forged + "." + parts[2])).isEmpty();
    }

    @Test
    void verify_rejectsAlgNone_evenWithValidClaims() {
        String[] parts = jwt.issue("user-1", null).split("\\.");
        String none = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(jwt.verify(none + "." + parts[1] + ".")).isEmpty();
    }

    @Test
    void verify_rejectsExpiredToken() {
        String token = jwt.issue("user-1", null);

        clock.advance(LocalJwt.LIFETIME.plusSeconds(1));

        assertThat(jwt.verify(token)).isEmpty();
    }

    @Test
    void verify_rejectsWrongIssuer_wrongAudience_missingExp_andFutureNbf() {
        long now = NOW.getEpochSecond();

        assertThat(jwt.verify(jwt.sign(claims("iss", "https://evil.example", "exp", now + 60))))
                .isEmpty();
        assertThat(jwt.verify(jwt.sign(claims("aud", "someone-else", "exp", now + 60))))
                .isEmpty();
        assertThat(jwt.verify(jwt.sign(claims("aud", ISSUER)))).isEmpty();
        assertThat(jwt.verify(jwt.sign(claims("exp", now + 60, "nbf", now + 30))))
                .isEmpty();
    }

    @Test
    void verify_acceptsAudienceList_containingTheLocalAudience() {
        long now = NOW.getEpochSecond();

        assertThat(jwt.verify(jwt.sign(claims("aud", List.of("other", LocalJwt.AUDIENCE), "exp", now + 60))))
                .isPresent();
    }

    @Test
    void verify_rejectsGarbage() {
        assertThat(jwt.verify("")).isEmpty();
        assertThat(jwt.verify("a.b")).isEmpty();
        assertThat(jwt.verify("a.b.c")).isEmpty();
        assertThat(jwt.verify("!!!.???.***")).isEmpty();
        assertThat(jwt.verify("x".repeat(10_000))).isEmpty();
    }

    /** Valid claims with the given ones replaced. */
    private static Map<String, Object> claims(Object... overrides) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", "user-1");
        claims.put("aud", LocalJwt.AUDIENCE);
        for (int i = 0; i < overrides.length; i += 2) {
            claims.put((String) overrides[i], overrides[i + 1]);
        }
        return claims;
    }

    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
