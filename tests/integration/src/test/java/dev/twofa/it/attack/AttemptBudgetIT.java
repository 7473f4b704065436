package dev.twofa.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Race;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every guess is counted before its answer leaves (NIST SP 800-63B §5.2.2). The attack: K parallel
 * requests, each in its own Lambda environment (here: its own handler on its own thread), all read
 * the lockout as open before any failure is counted ("AuthQuake"; Keycloak CVE-2024-1722 and #31726).
 * The clock stands still, so no wait runs out during a burst: only the free failures may be answered.
 */
class AttemptBudgetIT {
    private static final int FREE_FAILURES = 5;

    private final TestApp app = new TestApp();
    private final String userId = "user-" + UUID.randomUUID();
    private final Enrollment.Enrolled user = Enrollment.enroll(app, userId);

    /** A 6-digit code valid in no step of the drift window. */
    private String wrongCode(int seed) {
        long step = IndependentTotp.step(app.clock.instant());
        for (int candidate = seed; ; candidate++) {
            String code = String.format("%06d", candidate % 1_000_000);
            boolean valid = false;
            for (long s = step - 1; s <= step + 1; s++) {
                valid |= IndependentTotp.code(user.secret(), s).equals(code);
            }
            if (!valid) {
                return code;
            }
        }
    }

    private String rightCode() {
        return IndependentTotp.code(user.secret(), user.enrollmentStep() + 1);
    }

    private int failures() {
        return new DynamoTwoFactorStore(app.dynamo, app.table, app.auditTrail)
                .findAccount(userId)
                .orElseThrow()
                .consecutiveFailures();
    }

    private com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent verifyEvent(String field, String v) {
        return Api.request("POST /2fa/verify", userId, Api.json(Map.of(field, v)));
    }

    @Test
    void aBurstOf200WrongCodes_getsOnlyTheFreeFailuresAnswered_andThe429ForTheRest() throws Exception {
        int[] seed = {0};
        List<Integer> statuses =
                Race.statuses(200, app::verifyLogin, () -> verifyEvent("code", wrongCode(seed[0]++ * 7919)));

        assertThat(statuses.stream().filter(s -> s == 400).count())
                .as("invalid-code answers: each is one guess the attacker learns about")
                .isEqualTo(FREE_FAILURES);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(200 - FREE_FAILURES);
        assertThat(failures()).as("only answered guesses are counted").isEqualTo(FREE_FAILURES);
    }

    @Test
    void aRightCodeHiddenAfterTheGuessesInTheSameBurst_isRefused() throws Exception {
        CountDownLatch fiveAnswered = new CountDownLatch(FREE_FAILURES);
        List<Future<Integer>> burst = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(64)) {
            for (int i = 0; i < 150; i++) {
                var handler = app.verifyLogin();
                var event = verifyEvent("code", wrongCode(i * 7919));
                burst.add(pool.submit(() -> {
                    int status = handler.handleRequest(event, null).getStatusCode();
                    if (status == 400) {
                        fiveAnswered.countDown();
                    }
                    return status;
                }));
            }
            assertThat(fiveAnswered.await(60, TimeUnit.SECONDS)).isTrue();
            // The attacker's lucky guess, sent while the rest of the burst is still in flight.
            APIGatewayV2HTTPResponse hidden = app.verifyLogin().handleRequest(verifyEvent("code", rightCode()), null);
            assertThat(hidden.getStatusCode()).as(hidden.getBody()).isEqualTo(429);
            assertThat(Api.problemType(hidden)).isEqualTo("urn:twofa:problem:too-many-attempts");
            for (Future<Integer> f : burst) {
                assertThat(f.get()).isIn(400, 429);
            }
        }
        assertThat(failures()).isEqualTo(FREE_FAILURES);

        // After the first wait (2^0 s) the owner's right code passes and clears the count.
        app.clock.advance(Duration.ofSeconds(1));
        assertThat(app.verifyLogin()
                        .handleRequest(verifyEvent("code", rightCode()), null)
                        .getStatusCode())
                .isEqualTo(200);
        assertThat(failures()).isZero();
    }

    @Test
    void hundredFailuresLockTheFactor_whateverTheConcurrency() throws Exception {
        int seed = 0;
        while (failures() < 100) {
            int before = failures();
            int s = seed;
            int[] next = {s};
            List<Integer> statuses =
                    Race.statuses(8, app::verifyLogin, () -> verifyEvent("code", wrongCode(next[0]++ * 104729)));
            seed = next[0];
            long answered = statuses.stream().filter(x -> x == 400).count();
            // Within the free failures a burst may use what is left of them; past them, one per wait.
            assertThat(answered).isLessThanOrEqualTo(Math.max(1, FREE_FAILURES - before));
            assertThat(failures()).isEqualTo(before + (int) answered).isLessThanOrEqualTo(100);
            app.clock.advance(Duration.ofMinutes(16));
        }
        assertThat(failures()).isEqualTo(100);
        APIGatewayV2HTTPResponse locked = app.verifyLogin().handleRequest(verifyEvent("code", rightCode()), null);
        assertThat(locked.getStatusCode()).isEqualTo(429);
        assertThat(Api.problemType(locked)).isEqualTo("urn:twofa:problem:factor-locked");
        List<Integer> more = Race.statuses(20, app::verifyLogin, () -> verifyEvent("code", wrongCode(7)));
        assertThat(more).containsOnly(429);
        assertThat(failures()).as("never past NIST's 100").isEqualTo(100);
    }

    @Test
    void aBurstOfRecoveryCodeGuesses_isCountedTheSameWay() throws Exception {
        int[] n = {0};
        List<Integer> statuses = Race.statuses(
                60, app::verifyLogin, () -> verifyEvent("recoveryCode", String.format("AAAA-AAAA-%04d", n[0]++)));
        assertThat(statuses.stream().filter(s -> s == 400).count()).isEqualTo(FREE_FAILURES);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(60 - FREE_FAILURES);
        // A real recovery code in the next burst waits too.
        APIGatewayV2HTTPResponse real = app.verifyLogin()
                .handleRequest(verifyEvent("recoveryCode", user.recoveryCodes().get(0)), null);
        assertThat(real.getStatusCode()).isEqualTo(429);
        assertThat(failures()).isEqualTo(FREE_FAILURES);
    }

    @Test
    void aBurstOfWrongSmsCodes_isCountedTheSameWay() throws Exception {
        String smsUser = "sms-" + UUID.randomUUID();
        String phone = Sms.uniqueDanishMobile();
        Sms.enable(app, smsUser, phone);
        app.clock.advance(Duration.ofSeconds(31));
        assertThat(Sms.send(app, smsUser, "login", null).getStatusCode()).isEqualTo(202);
        String right = Sms.lastCode(phone);
        int[] n = {0};
        List<Integer> statuses = Race.statuses(40, app::smsConfirm, () -> {
            String guess = String.format("%06d", (n[0]++ * 7919) % 1_000_000);
            return Api.request(
                    "POST /2fa/sms/confirm",
                    smsUser,
                    Api.json(Map.of("purpose", "login", "code", guess.equals(right) ? "999999" : guess)));
        });
        assertThat(statuses.stream().filter(s -> s == 400).count()).isLessThanOrEqualTo(FREE_FAILURES);
        assertThat(statuses).allMatch(s -> s == 400 || s == 429);
        assertThat(Sms.confirm(app, smsUser, "login", right).getStatusCode()).isEqualTo(429);
    }

    @Test
    void aWrongStepUpProof_isAGuess_throughTheSameLockout() throws Exception {
        List<Integer> statuses = Race.statuses(
                30,
                app::regenerateRecoveryCodes,
                () -> Api.request(
                        "POST /2fa/recovery-codes/regenerate", userId, Api.json(Map.of("assertion", "x.y.z"))));
        assertThat(statuses.stream().filter(s -> s == 400).count()).isEqualTo(FREE_FAILURES);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(30 - FREE_FAILURES);
    }
}
