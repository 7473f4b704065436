package dev.twofa.it.account;

import static dev.twofa.it.support.Enrollment.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every security event lands in the append-only audit trail (user, event, method, time, source IP
 * and user agent, never a code or secret), expires after the retention period, and the user can
 * page through their own events, newest first.
 */
class AuditTrailIT {
    private final TestApp app = new TestApp();
    private final String userId = "user-" + UUID.randomUUID();

    private List<Map<String, AttributeValue>> auditItems(String partitionUser) {
        return app.dynamo
                .query(q -> q.tableName(app.table)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("AUDIT#" + partitionUser))))
                .items();
    }

    private String wrongCode(String secret) {
        return "000000".equals(IndependentTotp.codeAt(secret, app.clock.instant())) ? "111111" : "000000";
    }

    @Test
    void everyEventType_isAudited_withOriginAndRetention_andNoSecret() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId); // enable started, activated, enabled
        String code = IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
        verify(app, userId, "code", code); // verify success
        verify(app, userId, "code", code); // replay
        verify(app, userId, "recoveryCode", user.recoveryCodes().get(0)); // recovery code use
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(
                app, userId, phone, Map.of("recoveryCode", user.recoveryCodes().get(2))); // SMS sent, enabled
        for (int i = 0; i < 5; i++) {
            verify(app, userId, "code", wrongCode(user.secret())); // 5 failures: the lockout starts
        }
        app.clock.advance(Duration.ofMinutes(1));
        Enrollment.disable(app, userId, "recoveryCode", user.recoveryCodes().get(1)); // TOTP disabled
        app.supportReset()
                .handleRequest(
                        Api.operatorRequest(
                                "POST /operator/support-reset",
                                Api.supportSession("carol@support"),
                                Api.json(Map.of("userId", userId, "reason", "test", "ticketId", "T-1"))),
                        null);

        List<Map<String, AttributeValue>> items = auditItems(userId);
        Set<String> types = items.stream().map(i -> i.get("event").s()).collect(Collectors.toSet());
        assertThat(types)
                .contains(
                        "totp_enable_started",
                        "totp_activated",
                        "totp_enabled",
                        "verify_succeeded",
                        "verify_failed",
                        "replay_refused",
                        "lockout_started",
                        "recovery_code_used",
                        "sms_sent",
                        "sms_enabled",
                        "totp_disabled",
                        "support_reset");

        Instant now = app.clock.instant();
        for (Map<String, AttributeValue> item : items) {
            long at = Long.parseLong(item.get("at").n());
            assertThat(Long.parseLong(item.get("expiresAt").n()))
                    .as("400 days of retention, epoch seconds")
                    .isEqualTo(
                            Instant.ofEpochMilli(at).plus(Duration.ofDays(400)).getEpochSecond());
            if (!item.get("event").s().equals("support_reset")) {
                assertThat(item.get("sourceIp").s()).isEqualTo("198.51.100.7");
                assertThat(item.get("userAgent").s()).isEqualTo("integration-test");
            }
            assertThat(Instant.ofEpochMilli(at)).isBeforeOrEqualTo(now);
        }
        String everything = items.toString();
        assertThat(everything)
                .doesNotContain(user.secret())
                .doesNotContain(code)
                .doesNotContain(phone)
                .doesNotContain(phone.substring(3));
        user.recoveryCodes().forEach(c -> assertThat(everything).doesNotContain(c));
    }

    @Test
    void factorLocked_isAudited_atTheHundredthFailure() {
        Enrollment.Enrolled user = Enrollment.enroll(app, userId);
        for (int i = 0; i < 100; i++) {
            verify(app, userId, "code", wrongCode(user.secret()));
            app.clock.advance(Duration.ofMinutes(15));
        }
        assertThat(auditItems(userId)).anyMatch(i -> i.get("event").s().equals("factor_locked"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void activity_pagesTheCallersOwnEvents_newestFirst() {
        // One step at a time, a second apart, as a real user would go.
        String token = Enrollment.startAndReadToken(app, userId);
        app.clock.advance(Duration.ofSeconds(1));
        String secret =
                (String) Api.body(Enrollment.activate(app, userId, token)).get("secret");
        app.clock.advance(Duration.ofSeconds(1));
        long step = IndependentTotp.step(app.clock.instant());
        Enrollment.confirm(app, userId, IndependentTotp.code(secret, step));
        app.clock.advance(Duration.ofSeconds(30));
        verify(app, userId, "code", IndependentTotp.code(secret, step + 1));
        Enrollment.enroll(app, "someone-else-" + UUID.randomUUID());

        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String route = "GET /2fa/activity?limit=2" + (cursor == null ? "" : "&cursor=" + cursor);
            APIGatewayV2HTTPResponse page = app.activity().handleRequest(Api.request(route, userId, null), null);
            assertThat(page.getStatusCode()).as(page.getBody()).isEqualTo(200);
            Map<String, Object> body = Api.body(page);
            List<Map<String, Object>> events = (List<Map<String, Object>>) body.get("events");
            assertThat(events).hasSizeLessThanOrEqualTo(2);
            all.addAll(events);
            cursor = (String) body.get("next");
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(all)
                .extracting(e -> e.get("event"))
                .containsExactly("verify_succeeded", "totp_enabled", "totp_activated", "totp_enable_started");
        List<String> times = all.stream().map(e -> (String) e.get("at")).toList();
        assertThat(times).isSortedAccordingTo((a, b) -> Instant.parse(b).compareTo(Instant.parse(a)));
        assertThat(all).allSatisfy(e -> assertThat(e).containsEntry("sourceIp", "198.51.100.7"));
        assertThat(pages).isGreaterThan(1);
    }

    @Test
    void activity_refusesAForgedCursor_andABadLimit() {
        var forged = app.activity()
                .handleRequest(Api.request("GET /2fa/activity?cursor=QVVESVQjb3RoZXI", userId, null), null);
        assertThat(forged.getStatusCode()).isEqualTo(400);
        assertThat(Api.body(forged)).containsEntry("field", "cursor");
        var tooMany = app.activity().handleRequest(Api.request("GET /2fa/activity?limit=500", userId, null), null);
        assertThat(Api.body(tooMany)).containsEntry("field", "limit");
    }

    @Test
    void auditItems_areAppendOnly() {
        // Appends inside a change's transaction (the enrolment started) and standalone ones (activated).
        Enrollment.activate(app, userId, Enrollment.startAndReadToken(app, userId));
        var standalone =
                app
                        .dynamoRequests
                        .requestsOf(software.amazon.awssdk.services.dynamodb.model.PutItemRequest.class)
                        .stream()
                        .filter(p -> p.item().get("pk").s().startsWith("AUDIT#"))
                        .map(p -> p.conditionExpression())
                        .toList();
        var transactional = app
                .dynamoRequests
                .requestsOf(software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest.class)
                .stream()
                .flatMap(t -> t.transactItems().stream())
                .map(item -> item.put())
                .filter(p -> p != null && p.item().get("pk").s().startsWith("AUDIT#"))
                .map(p -> p.conditionExpression())
                .toList();
        assertThat(standalone).isNotEmpty();
        assertThat(transactional).isNotEmpty();
        // An audit item is never replaced: a condition, not trust in random suffixes.
        assertThat(standalone).allMatch("attribute_not_exists(pk)"::equals);
        assertThat(transactional).allMatch("attribute_not_exists(pk)"::equals);
    }
}
