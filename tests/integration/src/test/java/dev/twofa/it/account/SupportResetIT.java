package dev.twofa.it.account;

import static dev.twofa.it.support.Enrollment.status;
import static dev.twofa.it.support.Enrollment.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofa.app.SecurityEvent;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import dev.twofa.it.support.TestContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Support reset: operator-only, audited, and it leaves the user with nothing to bypass. */
class SupportResetIT {
    private final TestApp app = new TestApp();
    private final Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());
    private final String phone = Sms.uniqueDanishMobile();

    private Map<String, Object> reset(Map<String, Object> input) {
        return app.supportReset().handleRequest(input, TestContext.operator("alice@support.twofa.test"));
    }

    private static Map<String, Object> request(String userId) {
        Map<String, Object> input = new HashMap<>();
        input.put("userId", userId);
        input.put("reason", "lost phone; identity proven by video call");
        input.put("ticketId", "SUP-1234");
        return input;
    }

    @Test
    void resetOfALockedUser_turnsEveryFactorOff_clearsTheLock_auditsAndEmails() {
        Sms.enable(
                app,
                user.userId(),
                phone,
                Map.of("recoveryCode", user.recoveryCodes().get(9)));
        // Lock the user: 100 consecutive failures.
        for (int i = 0; i < 100; i++) {
            verify(
                    app,
                    user.userId(),
                    "code",
                    "000000".equals(IndependentTotp.codeAt(user.secret(), app.clock.instant())) ? "111111" : "000000");
            app.clock.advance(Duration.ofMinutes(15));
        }
        assertThat(status(app, user.userId())).containsEntry("signIn", Map.of("locked", true, "retryAfterSeconds", 0));

        assertThat(reset(request(user.userId()))).isEqualTo(Map.of("status", "reset", "userId", user.userId()));

        assertThat(status(app, user.userId()))
                .containsEntry("totp", Map.of("enabled", false))
                .containsEntry("sms", Map.of("enabled", false))
                .containsEntry("recoveryCodesRemaining", 0)
                .containsEntry("signIn", Map.of("locked", false, "retryAfterSeconds", 0));
        var items = app.dynamo.scan(s -> s.tableName(app.table)).items().stream()
                .filter(i -> i.get("pk").s().equals("USER#" + user.userId()))
                .toList();
        assertThat(items).allSatisfy(item -> assertThat(item)
                .doesNotContainKeys("totpSecret", "smsPhone", "recoverySalt", "lastFailureAt"));
        assertThat(items).noneMatch(i -> i.get("sk").s().startsWith("RECOVERY#"));

        SecurityEvent audit = app.auditTrail
                .recent(user.userId(), 1, Optional.empty())
                .events()
                .get(0);
        assertThat(audit.type()).isEqualTo("support_reset");
        assertThat(audit.details())
                .containsEntry("operator", "alice@support.twofa.test")
                .containsEntry("reason", "lost phone; identity proven by video call")
                .containsEntry("ticketId", "SUP-1234")
                .containsKey("lambdaRequestId");
        assertThat(Emulators.sentEmailsTo(Api.emailOf(user.userId())))
                .extracting(Emulators.SentEmail::subject)
                .contains("Two-factor authentication was reset by support");

        // The user can enroll again from scratch.
        app.clock.advance(Duration.ofMinutes(1));
        Enrollment.enroll(app, user.userId());
    }

    @Test
    void everyFieldIsRequired() {
        for (String field : new String[] {"userId", "reason", "ticketId"}) {
            Map<String, Object> input = request(user.userId());
            input.remove(field);
            assertThatThrownBy(() -> reset(input))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(field);
        }
        assertThat(status(app, user.userId())).containsEntry("totp", Map.of("enabled", true));
    }

    @Test
    void unknownUser_isRefused_andNothingIsCreated() {
        String nobody = "nobody-" + UUID.randomUUID();
        assertThatThrownBy(() -> reset(request(nobody))).isInstanceOf(IllegalStateException.class);
        assertThat(app.dynamo.scan(s -> s.tableName(app.table)).items())
                .noneMatch(i -> i.get("pk").s().equals("USER#" + nobody));
    }
}
