package dev.twofa.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.aws.store.DynamoTable;
import dev.twofa.config.Config;
import dev.twofa.functions.activatelink.ActivateLinkHandler;
import dev.twofa.functions.activity.ActivityHandler;
import dev.twofa.functions.confirmtotp.ConfirmTotpHandler;
import dev.twofa.functions.devicechallenge.DeviceChallengeHandler;
import dev.twofa.functions.devicelist.DeviceListHandler;
import dev.twofa.functions.deviceregister.DeviceRegisterHandler;
import dev.twofa.functions.devicerevoke.DeviceRevokeHandler;
import dev.twofa.functions.disable.DisableHandler;
import dev.twofa.functions.orgpolicy.OrgPolicyHandler;
import dev.twofa.functions.regeneraterecoverycodes.RegenerateRecoveryCodesHandler;
import dev.twofa.functions.smsconfirm.SmsConfirmHandler;
import dev.twofa.functions.smssend.SmsSendHandler;
import dev.twofa.functions.startenable.StartEnableHandler;
import dev.twofa.functions.status.StatusHandler;
import dev.twofa.functions.supportreset.SupportResetHandler;
import dev.twofa.functions.verifylogin.VerifyLoginHandler;
import dev.twofa.functions.webauthnauthenticateoptions.WebAuthnAuthenticateOptionsHandler;
import dev.twofa.functions.webauthncredentials.WebAuthnCredentialsHandler;
import dev.twofa.functions.webauthnregister.WebAuthnRegisterHandler;
import dev.twofa.functions.webauthnregisteroptions.WebAuthnRegisterOptionsHandler;
import dev.twofa.functions.webauthnremove.WebAuthnRemoveHandler;
import dev.twofa.functions.webauthnrename.WebAuthnRenameHandler;
import dev.twofa.it.fault.FaultProxy.Fault;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.BrowserDeviceKey;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Sms;
import dev.twofa.testing.SoftwareAuthenticator;
import dev.twofa.wiring.AwsAdapters;
import dev.twofa.wiring.CryptoModes;
import dev.twofa.wiring.Wiring;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * The fault tier: every flow × every AWS operation it makes × {500, throttling, dropped connection,
 * hang past the attempt timeout}, through the production adapters (AwsAdapters, their SDK clients
 * with the time budget) and a {@link FaultProxy} in front of the emulators.
 *
 * <p>The operations are not listed by hand: a healthy run of each flow, on a fresh instance (as a
 * cold Lambda: envelope keys not yet unwrapped), is recorded through the proxy, and each recorded
 * call (by operation, item families and occurrence) becomes a row, so a new call in a flow gets its
 * cells without anyone remembering to add them. Each cell asserts:
 *
 * <ul>
 *   <li>the answer: 503 problem+json dependency-unavailable with Retry-After, or, where the call is
 *       best effort (a notice email, its once-per-hour claim, an audit item written outside the
 *       change's transaction), the flow's normal answer;
 *   <li>the time to answer: before the function timeout (10 s in template.yaml) — a correctness rule,
 *       with the budget set to {@value #BUDGET_MS} ms here so that hangs end in about a second;
 *   <li>the state afterwards: the same link, code, recovery code or SMS code works on a healthy
 *       retry, and the user's items and audit trail have the same shape as after one healthy run.
 * </ul>
 *
 * Cells run on {@value #WORKERS} workers, each with its own proxy, clock and users.
 */
class FaultMatrixIT {
    /** The test wiring's TWOFA_AWS_BUDGET_MS: calls of 1.2 s, attempts of 400 ms. */
    static final int BUDGET_MS = 3200;
    /** template.yaml Globals Timeout: Lambda kills the function after it. */
    static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(10);

    static final int WORKERS = 3;
    static final String SENDER = "no-reply@fault.twofa.test";
    static final String SUPPORT = Api.supportSession("alice@support.twofa.test");
    static final String OPERATOR = Api.supportSession("bob@ops.twofa.test");

    private static final Map<String, String> ENV = new HashMap<>();
    private static final List<Worker> ALL_WORKERS = new ArrayList<>();
    private static DynamoDbClient dynamo;

    /** What a flow needs before its request, and the request itself, repeatable with the same body. */
    record Prepared(String subject, Function<Wiring, APIGatewayV2HTTPResponse> request, Check then) {}

    /** A check on the healthy path after the retry (e.g. the new activation link works). */
    interface Check {
        void run(Wiring wiring);
    }

    /** A flow: its name, its healthy status, and how to bring a new user to the point of its request. */
    record Flow(String name, int ok, Function<Worker, Prepared> prepare) {}

    record Cell(Flow flow, String operation, Fault fault) {
        String name() {
            return flow.name() + " × " + operation + " × " + fault;
        }
    }

    record Outcome(Cell cell, int status, Duration answeredIn, int faultsInjected, AssertionError failure) {}

    // ---- the flows ----

    static List<Flow> flows() {
        return List.of(
                new Flow("start-enable", 202, w -> {
                    String user = newUser();
                    return new Prepared(
                            user,
                            wiring -> handle(
                                    new StartEnableHandler(wiring.startEnable()), "POST /2fa/totp/enable", user, null),
                            wiring -> assertStatus(
                                    handle(
                                            new ActivateLinkHandler(wiring.activateLink()),
                                            "POST /2fa/totp/activate",
                                            user,
                                            Api.json(Map.of("token", Enrollment.latestToken(user)))),
                                    200));
                }),
                new Flow("activate-link", 200, w -> {
                    String user = newUser();
                    String token = w.start(user);
                    return new Prepared(
                            user,
                            wiring -> handle(
                                    new ActivateLinkHandler(wiring.activateLink()),
                                    "POST /2fa/totp/activate",
                                    user,
                                    Api.json(Map.of("token", token))),
                            null);
                }),
                new Flow("confirm-totp", 200, w -> {
                    String user = newUser();
                    String secret = w.activate(user, w.start(user));
                    String code = IndependentTotp.codeAt(secret, w.clock.instant());
                    return new Prepared(user, wiring -> confirm(wiring, user, code), null);
                }),
                new Flow("verify-login code", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    String code = IndependentTotp.code(e.secret, e.step + 1);
                    return new Prepared(e.user, wiring -> verify(wiring, e.user, "code", code), null);
                }),
                new Flow("verify-login recovery code", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    return new Prepared(
                            e.user, wiring -> verify(wiring, e.user, "recoveryCode", e.recoveryCodes.get(0)), null);
                }),
                new Flow("disable", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    String code = IndependentTotp.code(e.secret, e.step + 1);
                    return new Prepared(
                            e.user,
                            wiring -> handle(
                                    new DisableHandler(wiring.disableTotp()),
                                    "POST /2fa/disable",
                                    e.user,
                                    Api.json(Map.of("code", code))),
                            null);
                }),
                new Flow("regenerate-recovery-codes", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    String code = IndependentTotp.code(e.secret, e.step + 1);
                    return new Prepared(
                            e.user,
                            wiring -> handle(
                                    new RegenerateRecoveryCodesHandler(wiring.regenerateRecoveryCodes()),
                                    "POST /2fa/recovery-codes/regenerate",
                                    e.user,
                                    Api.json(Map.of("code", code))),
                            null);
                }),
                new Flow("sms-send enable", 202, w -> {
                    String user = newUser();
                    String phone = Sms.uniqueDanishMobile();
                    return new Prepared(
                            user,
                            wiring -> smsSend(wiring, user, "enable", phone),
                            wiring -> assertStatus(smsConfirm(wiring, user, "enable", Sms.lastCode(phone)), 200));
                }),
                new Flow("sms-send login", 202, w -> {
                    String user = newUser();
                    String phone = w.smsEnabled(user);
                    return new Prepared(
                            user,
                            wiring -> smsSend(wiring, user, "login", null),
                            wiring -> assertStatus(smsConfirm(wiring, user, "login", Sms.lastCode(phone)), 200));
                }),
                new Flow("sms-send disable", 202, w -> {
                    String user = newUser();
                    String phone = w.smsEnabled(user);
                    return new Prepared(
                            user,
                            wiring -> smsSend(wiring, user, "disable", null),
                            wiring -> assertStatus(smsConfirm(wiring, user, "disable", Sms.lastCode(phone)), 200));
                }),
                new Flow("sms-confirm enable", 200, w -> {
                    String user = newUser();
                    String phone = Sms.uniqueDanishMobile();
                    assertStatus(smsSend(w.setup, user, "enable", phone), 202);
                    String code = Sms.lastCode(phone);
                    return new Prepared(user, wiring -> smsConfirm(wiring, user, "enable", code), null);
                }),
                new Flow("sms-confirm login", 200, w -> {
                    String user = newUser();
                    String phone = w.smsEnabled(user);
                    assertStatus(smsSend(w.setup, user, "login", null), 202);
                    String code = Sms.lastCode(phone);
                    return new Prepared(user, wiring -> smsConfirm(wiring, user, "login", code), null);
                }),
                new Flow("sms-confirm disable", 200, w -> {
                    String user = newUser();
                    String phone = w.smsEnabled(user);
                    assertStatus(smsSend(w.setup, user, "disable", null), 202);
                    String code = Sms.lastCode(phone);
                    return new Prepared(user, wiring -> smsConfirm(wiring, user, "disable", code), null);
                }),
                new Flow("support-reset", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    String body = Api.json(Map.of(
                            "userId",
                            e.user,
                            "reason",
                            "lost phone; identity proven by video call",
                            "ticketId",
                            "SUP-1"));
                    return new Prepared(
                            e.user,
                            wiring -> new SupportResetHandler(wiring.supportReset())
                                    .handleRequest(
                                            Api.operatorRequest("POST /operator/support-reset", SUPPORT, body), null),
                            null);
                }),
                new Flow("org-policy", 200, w -> {
                    String org = "org-" + UUID.randomUUID();
                    String body = Api.json(Map.of("orgId", org, "mfaRequired", true, "reason", "security review 2026"));
                    return new Prepared(
                            org,
                            wiring -> new OrgPolicyHandler(wiring.orgPolicyChange())
                                    .handleRequest(
                                            Api.operatorRequest("PUT /operator/org-policy", OPERATOR, body), null),
                            null);
                }),
                new Flow("status", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    return new Prepared(
                            e.user,
                            wiring -> handle(new StatusHandler(wiring.status()), "GET /2fa/status", e.user, null),
                            null);
                }),
                new Flow("activity", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    return new Prepared(
                            e.user,
                            wiring -> handle(new ActivityHandler(wiring.activity()), "GET /2fa/activity", e.user, null),
                            null);
                }),
                new Flow("device-register", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    String assertion = w.signIn(e);
                    String body = Api.json(Map.of(
                            "publicKey",
                            BrowserDeviceKey.publicKey(BrowserDeviceKey.newKey()),
                            "assertion",
                            assertion));
                    return new Prepared(
                            e.user,
                            wiring -> handle(
                                    new DeviceRegisterHandler(wiring.registerDevice()),
                                    "POST /2fa/devices",
                                    e.user,
                                    body),
                            null);
                }),
                new Flow("device-challenge", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    return new Prepared(
                            e.user,
                            wiring -> handle(
                                    new DeviceChallengeHandler(wiring.deviceChallenges()),
                                    "POST /2fa/devices/challenge",
                                    e.user,
                                    null),
                            null);
                }),
                new Flow("verify-login device", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    KeyPair key = BrowserDeviceKey.newKey();
                    String id = w.remember(e, key);
                    String challenge = w.deviceChallenge(e.user);
                    String body = Api.json(Map.of(
                            "device",
                            Map.of(
                                    "id",
                                    id,
                                    "challenge",
                                    challenge,
                                    "signature",
                                    BrowserDeviceKey.sign(key, challenge))));
                    return new Prepared(
                            e.user,
                            wiring -> handle(
                                    new VerifyLoginHandler(wiring.verifyLogin()), "POST /2fa/verify", e.user, body),
                            null);
                }),
                new Flow("device-list", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    w.remember(e, BrowserDeviceKey.newKey());
                    return new Prepared(
                            e.user,
                            wiring -> handle(
                                    new DeviceListHandler(wiring.listDevices()), "GET /2fa/devices", e.user, null),
                            null);
                }),
                new Flow("device-revoke", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    String id = w.remember(e, BrowserDeviceKey.newKey());
                    return new Prepared(
                            e.user,
                            wiring -> handle(
                                    new DeviceRevokeHandler(wiring.revokeDevices()),
                                    "POST /2fa/devices/revoke",
                                    e.user,
                                    Api.json(Map.of("id", id))),
                            null);
                }),
                new Flow("webauthn-register-options", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    String code = IndependentTotp.code(e.secret, e.step + 1);
                    return new Prepared(
                            e.user,
                            wiring -> handle(
                                    new WebAuthnRegisterOptionsHandler(wiring.webauthnRegistrationOptions()),
                                    "POST /2fa/webauthn/register/options",
                                    e.user,
                                    Api.json(Map.of("code", code))),
                            null);
                }),
                new Flow("webauthn-register", 200, w -> {
                    String user = newUser();
                    SoftwareAuthenticator key = newSecurityKey();
                    String challenge = w.registrationChallenge(user, null);
                    String body = Api.json(Map.of("credential", key.register(challenge), "name", "YubiKey"));
                    return new Prepared(
                            user,
                            wiring -> handle(
                                    new WebAuthnRegisterHandler(wiring.registerWebAuthn()),
                                    "POST /2fa/webauthn/register",
                                    user,
                                    body),
                            null);
                }),
                new Flow("webauthn-authenticate-options", 200, w -> {
                    KeyUser k = w.keyUser();
                    return new Prepared(
                            k.user(),
                            wiring -> handle(
                                    new WebAuthnAuthenticateOptionsHandler(wiring.webauthnAuthenticationOptions()),
                                    "POST /2fa/webauthn/authenticate/options",
                                    k.user(),
                                    null),
                            null);
                }),
                new Flow("verify-login webauthn", 200, w -> {
                    KeyUser k = w.keyUser();
                    String challenge = w.authenticationChallenge(k.user());
                    String body = Api.json(Map.of("webauthn", k.key().authenticate(challenge, userHandle(k.user()))));
                    return new Prepared(
                            k.user(),
                            wiring -> handle(
                                    new VerifyLoginHandler(wiring.verifyLogin()), "POST /2fa/verify", k.user(), body),
                            null);
                }),
                new Flow("webauthn-credentials", 200, w -> {
                    KeyUser k = w.keyUser();
                    return new Prepared(
                            k.user(),
                            wiring -> handle(
                                    new WebAuthnCredentialsHandler(wiring.listWebAuthn()),
                                    "GET /2fa/webauthn/credentials",
                                    k.user(),
                                    null),
                            null);
                }),
                new Flow("webauthn-rename", 200, w -> {
                    KeyUser k = w.keyUser();
                    return new Prepared(
                            k.user(),
                            wiring -> handle(
                                    new WebAuthnRenameHandler(wiring.renameWebAuthn()),
                                    "POST /2fa/webauthn/credentials/rename",
                                    k.user(),
                                    Api.json(Map.of("id", k.key().credentialId(), "name", "Blue key"))),
                            null);
                }),
                new Flow("webauthn-remove", 200, w -> {
                    Enrolled e = w.enroll(newUser());
                    SoftwareAuthenticator key = newSecurityKey();
                    String challenge =
                            w.registrationChallenge(e.user, Map.of("code", IndependentTotp.code(e.secret, e.step + 1)));
                    w.registerKey(e.user, key, challenge);
                    return new Prepared(
                            e.user,
                            wiring -> handle(
                                    new WebAuthnRemoveHandler(wiring.removeWebAuthn()),
                                    "POST /2fa/webauthn/credentials/remove",
                                    e.user,
                                    Api.json(Map.of("id", key.credentialId(), "recoveryCode", e.recoveryCodes.get(0)))),
                            null);
                }));
    }

    record KeyUser(String user, SoftwareAuthenticator key) {}

    /** A software security key for the fault wiring's relying party (APP_BASE_URL's host and origin). */
    static SoftwareAuthenticator newSecurityKey() {
        return new SoftwareAuthenticator("app.twofa.test", "https://app.twofa.test");
    }

    /** The user handle the server gives a passkey, in its documented form. */
    static byte[] userHandle(String user) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(("twofa-webauthn-user-v1:" + user).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The calls whose failure the flow absorbs, read from the code: notices after a committed change
     * (Notifications: the email and its once-per-hour claim), and audit items appended on their own
     * (AuditedEvents: the log keeps the event), and security events published to EventBridge
     * (PublishedEvents: logged as event_publish_failed). start-enable's activation email is the flow itself.
     * After SMS is on, freeing the send interval for the first sign-in code (SmsConfirm.freeNextSend):
     * when it fails, the usual 30 s interval simply holds.
     */
    static boolean bestEffort(Flow flow, String operation) {
        if (operation.startsWith("ses:SendEmail")) {
            return !flow.name().equals("start-enable");
        }
        if (operation.matches("dynamodb:\\w+Item\\[SMSRATE]#.*") && flow.name().startsWith("sms-confirm")) {
            return true;
        }
        return operation.startsWith("dynamodb:PutItem[AUDIT]#")
                || operation.matches("dynamodb:\\w+Item\\[NOTICE]#.*")
                || operation.startsWith("AWSEvents:PutEvents#");
    }

    // ---- the matrix ----

    @TestFactory
    Stream<DynamicNode> everyFlow_everyOperation_everyFault() throws Exception {
        setUp();
        Worker first = ALL_WORKERS.getFirst();
        List<Flow> flows = flows();
        // A first healthy pass creates what later runs only read (the envelope keys).
        for (Flow flow : flows) {
            first.healthyRun(flow);
        }
        Map<Flow, Recorded> recorded = new LinkedHashMap<>();
        for (Flow flow : flows) {
            recorded.put(flow, first.record(flow));
        }

        List<Cell> cells = new ArrayList<>();
        for (Flow flow : flows) {
            for (String operation : recorded.get(flow).operations) {
                for (Fault fault : Fault.values()) {
                    cells.add(new Cell(flow, operation, fault));
                }
            }
        }
        BlockingQueue<Worker> idle = new ArrayBlockingQueue<>(WORKERS, false, ALL_WORKERS);
        Map<Cell, Outcome> outcomes = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> running = new ArrayList<>();
        long started = System.nanoTime();
        for (Cell cell : cells) {
            running.add(pool.submit(() -> {
                Worker worker = idle.take();
                try {
                    outcomes.put(cell, worker.run(cell, recorded.get(cell.flow())));
                } finally {
                    idle.put(worker);
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        Duration tier = Duration.ofNanos(System.nanoTime() - started);
        printSummary(flows, recorded, cells, outcomes, tier);

        List<DynamicNode> nodes = new ArrayList<>();
        nodes.add(DynamicTest.dynamicTest("every flow's healthy run records its AWS operations", () -> {
            for (Flow flow : flows) {
                assertThat(recorded.get(flow).operations).as(flow.name()).isNotEmpty();
            }
        }));
        for (Flow flow : flows) {
            nodes.add(DynamicContainer.dynamicContainer(
                    flow.name(),
                    cells.stream()
                            .filter(c -> c.flow() == flow)
                            .map(c -> DynamicTest.dynamicTest(c.operation() + " × " + c.fault(), () -> {
                                Outcome outcome = outcomes.get(c);
                                if (outcome.failure() != null) {
                                    throw outcome.failure();
                                }
                            }))));
        }
        return nodes.stream();
    }

    private static void printSummary(
            List<Flow> flows,
            Map<Flow, Recorded> recorded,
            List<Cell> cells,
            Map<Cell, Outcome> outcomes,
            Duration tier) {
        StringBuilder out = new StringBuilder("\n==== Fault matrix (budget ")
                .append(BUDGET_MS)
                .append(" ms, function timeout ")
                .append(FUNCTION_TIMEOUT.toSeconds())
                .append(" s) ====\n");
        out.append(String.format(
                "%-28s %4s %6s %9s %7s %12s%n", "flow", "ops", "cells", "expected", "failed", "longest ms"));
        for (Flow flow : flows) {
            List<Outcome> mine = cells.stream()
                    .filter(c -> c.flow() == flow)
                    .map(outcomes::get)
                    .toList();
            out.append(String.format(
                    "%-28s %4d %6d %9s %7d %12d%n",
                    flow.name(),
                    recorded.get(flow).operations.size(),
                    mine.size(),
                    mine.stream()
                                    .filter(o -> bestEffort(flow, o.cell().operation()))
                                    .count() + " b/e",
                    mine.stream().filter(o -> o.failure() != null).count(),
                    mine.stream()
                            .mapToLong(o -> o.answeredIn().toMillis())
                            .max()
                            .orElse(0)));
        }
        for (Flow flow : flows) {
            out.append(String.format("  %-26s ", flow.name()))
                    .append(String.join(
                            ", ",
                            recorded.get(flow).operations.stream()
                                    .map(op -> bestEffort(flow, op) ? op + " (best effort)" : op)
                                    .toList()))
                    .append('\n');
        }
        Map<Fault, long[]> byFault = new TreeMap<>();
        for (Outcome o : outcomes.values()) {
            long[] agg = byFault.computeIfAbsent(o.cell().fault(), f -> new long[3]);
            agg[0]++;
            agg[1] += o.faultsInjected();
            agg[2] = Math.max(agg[2], o.answeredIn().toMillis());
        }
        byFault.forEach((fault, agg) -> out.append(String.format(
                "fault %-15s cells %4d, attempts faulted %5d, longest answer %5d ms%n",
                fault, agg[0], agg[1], agg[2])));
        Outcome longest = outcomes.values().stream()
                .max((a, b) -> a.answeredIn().compareTo(b.answeredIn()))
                .orElseThrow();
        long failed =
                outcomes.values().stream().filter(o -> o.failure() != null).count();
        out.append(String.format(
                "total: %d flows, %d cells, %d failed; longest answer %d ms (%s); tier ran %d s on %d workers%n",
                flows.size(),
                cells.size(),
                failed,
                longest.answeredIn().toMillis(),
                longest.cell().name(),
                tier.toSeconds(),
                WORKERS));
        outcomes.values().stream()
                .filter(o -> o.failure() != null)
                .sorted((a, b) -> a.cell().name().compareTo(b.cell().name()))
                .forEach(o -> out.append("FAILED ")
                        .append(o.cell().name())
                        .append(": ")
                        .append(firstLine(o.failure().getMessage()))
                        .append('\n'));
        System.out.println(out);
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message).strip().replaceAll("\\s+", " ");
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    // ---- the shared set-up: one table and keys; per worker a proxy, a clock and a warm set-up wiring ----

    private static synchronized void setUp() {
        if (dynamo != null) {
            return;
        }
        // The production wiring uses the default credentials chain; the emulators take any key.
        if (System.getProperty("aws.accessKeyId") == null && System.getenv("AWS_ACCESS_KEY_ID") == null) {
            System.setProperty("aws.accessKeyId", "test");
            System.setProperty("aws.secretAccessKey", "test");
        }
        dynamo = Emulators.dynamo();
        String table = "twofa-fault-" + UUID.randomUUID();
        DynamoTable.create(dynamo, table);
        Emulators.verifySesIdentity(SENDER);
        try (KmsClient kms = Emulators.kms()) {
            ENV.put("KMS_KEY_ID", Emulators.createKmsKey());
            ENV.put(
                    "MAC_KEY_ID",
                    kms.createKey(k -> k.keySpec(KeySpec.HMAC_256).keyUsage(KeyUsageType.GENERATE_VERIFY_MAC))
                            .keyMetadata()
                            .keyId());
            ENV.put(
                    "ASSERTION_KEY_ID",
                    kms.createKey(k -> k.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
                            .keyMetadata()
                            .keyId());
        }
        ENV.put("AWS_REGION", Emulators.region());
        ENV.put("TABLE_NAME", table);
        ENV.put("SENDER_EMAIL", SENDER);
        ENV.put("APP_BASE_URL", "https://app.twofa.test");
        ENV.put("TOTP_ISSUER", "TwoFA Fault");
        ENV.put("SMS_ALLOWED_COUNTRIES", "DK");
        ENV.put("SMS_HOURLY_BUDGET", "100000");
        ENV.put("SMS_COUNTRY_HOURLY_BUDGET", "100000");
        ENV.put("ASSERTION_ISSUER", "https://2fa.twofa.test");
        ENV.put("ASSERTION_AUDIENCE", "app.twofa.test");
        ENV.put("TWOFA_AWS_BUDGET_MS", Integer.toString(BUDGET_MS));
        String suite = System.getenv("TWOFA_CRYPTO") != null
                ? System.getenv("TWOFA_CRYPTO")
                : System.getProperty("twofa.crypto");
        if (suite != null && !suite.isBlank() && !suite.startsWith("${")) {
            ENV.put(CryptoModes.ASSERTION_SIGNING, suite);
            ENV.put(CryptoModes.SECRETS_ENCRYPTION, suite);
        }
        for (int i = 0; i < WORKERS; i++) {
            ALL_WORKERS.add(new Worker());
        }
    }

    @AfterAll
    static void tearDown() {
        ALL_WORKERS.forEach(Worker::close);
        if (dynamo != null) {
            dynamo.close();
        }
    }

    record Enrolled(String user, String secret, long step, List<String> recoveryCodes) {}

    record Recorded(List<String> operations, State state) {}

    /** The shape of a subject's items and audit trail: keys with ids and numbers blanked, audit event types. */
    record State(Map<String, Integer> items, Map<String, Integer> audit) {}

    /** A proxy, a clock and a set-up wiring of its own: cells on different workers never share a user. */
    static final class Worker implements AutoCloseable {
        final FaultProxy proxy = new FaultProxy(Emulators.dynamoEndpoint(), Emulators.awsEndpoint());
        final SkewClock clock = new SkewClock();
        final Map<String, String> env = new HashMap<>(ENV);
        final AwsAdapters setupAdapters;
        final Wiring setup;

        Worker() {
            env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
            setupAdapters = new AwsAdapters(new Config(env));
            setup = new Wiring(setupAdapters, new Config(env), clock, Wiring.secureRandom());
        }

        /** A new Lambda instance: its own SDK clients, nothing unwrapped or cached yet. */
        Instance instance() {
            AwsAdapters adapters = new AwsAdapters(new Config(env));
            return new Instance(adapters, new Wiring(adapters, new Config(env), clock, Wiring.secureRandom()));
        }

        void healthyRun(Flow flow) {
            Prepared p = flow.prepare().apply(this);
            try (Instance i = instance()) {
                assertStatus(p.request().apply(i.wiring()), flow.ok());
            }
        }

        Recorded record(Flow flow) {
            Prepared p = flow.prepare().apply(this);
            try (Instance i = instance()) {
                proxy.clearCalls();
                APIGatewayV2HTTPResponse response = p.request().apply(i.wiring());
                List<String> operations = proxy.operations();
                assertStatus(response, flow.ok());
                return new Recorded(operations, state(p.subject()));
            }
        }

        Outcome run(Cell cell, Recorded healthy) {
            Flow flow = cell.flow();
            long answered = 0;
            int injected = 0;
            int status = 0;
            try {
                // Between sends, SMS limits want 30 s: each cell starts past them.
                clock.skip(Duration.ofSeconds(31));
                Prepared p = flow.prepare().apply(this);
                try (Instance i = instance()) {
                    String[] op = cell.operation().split("#");
                    proxy.arm(op[0], Integer.parseInt(op[1]), cell.fault());
                    long t0 = System.nanoTime();
                    APIGatewayV2HTTPResponse response;
                    try {
                        response = p.request().apply(i.wiring());
                    } finally {
                        answered = System.nanoTime() - t0;
                        injected = proxy.faultsInjected();
                        proxy.disarm();
                    }
                    status = response.getStatusCode();
                    assertThat(injected)
                            .as("the fault reached %s (else the recorded run and this one differ)", cell.operation())
                            .isPositive();
                    assertThat(Duration.ofNanos(answered))
                            .as("answered before Lambda's timeout kills the function")
                            .isLessThan(FUNCTION_TIMEOUT);
                    if (bestEffort(flow, cell.operation())) {
                        assertStatus(response, flow.ok());
                        assertBestEffortState(cell, healthy.state(), state(p.subject()));
                    } else {
                        assertUnavailable(response);
                        // At once: a failed request has spent nothing, not even the SMS send interval.
                        assertStatus(p.request().apply(i.wiring()), flow.ok());
                        State after = state(p.subject());
                        assertThat(after.items())
                                .as("after a 503 and a healthy retry: the items of one healthy run")
                                .isEqualTo(healthy.state().items());
                        assertThat(withoutFailures(after.audit()))
                                .as("after a 503 and a healthy retry: the audit trail of one healthy run, besides"
                                        + " the events recording the failure")
                                .isEqualTo(healthy.state().audit());
                        if (p.then() != null) {
                            p.then().run(i.wiring());
                        }
                    }
                }
                return new Outcome(cell, status, Duration.ofNanos(answered), injected, null);
            } catch (AssertionError e) {
                return new Outcome(cell, status, Duration.ofNanos(answered), injected, e);
            } catch (RuntimeException e) {
                return new Outcome(
                        cell, status, Duration.ofNanos(answered), injected, new AssertionError(e.toString(), e));
            }
        }

        String start(String user) {
            assertStatus(handle(new StartEnableHandler(setup.startEnable()), "POST /2fa/totp/enable", user, null), 202);
            return Enrollment.latestToken(user);
        }

        String activate(String user, String token) {
            APIGatewayV2HTTPResponse activated = handle(
                    new ActivateLinkHandler(setup.activateLink()),
                    "POST /2fa/totp/activate",
                    user,
                    Api.json(Map.of("token", token)));
            assertStatus(activated, 200);
            return (String) Api.body(activated).get("secret");
        }

        @SuppressWarnings("unchecked")
        Enrolled enroll(String user) {
            String secret = activate(user, start(user));
            long step = IndependentTotp.step(clock.instant());
            APIGatewayV2HTTPResponse confirmed = confirm(setup, user, IndependentTotp.code(secret, step));
            assertStatus(confirmed, 200);
            return new Enrolled(
                    user, secret, step, (List<String>) Api.body(confirmed).get("recoveryCodes"));
        }

        /** A TOTP sign-in one step after enrolment, on the set-up wiring: its assertion. */
        String signIn(Enrolled e) {
            APIGatewayV2HTTPResponse verified =
                    verify(setup, e.user, "code", IndependentTotp.code(e.secret, e.step + 1));
            assertStatus(verified, 200);
            return (String) Api.body(verified).get("assertion");
        }

        /** Remembers {@code key}'s browser for the enrolled user (after a sign-in): its device id. */
        String remember(Enrolled e, KeyPair key) {
            APIGatewayV2HTTPResponse registered = handle(
                    new DeviceRegisterHandler(setup.registerDevice()),
                    "POST /2fa/devices",
                    e.user,
                    Api.json(Map.of("publicKey", BrowserDeviceKey.publicKey(key), "assertion", signIn(e))));
            assertStatus(registered, 200);
            return (String) Api.body(registered).get("id");
        }

        String deviceChallenge(String user) {
            APIGatewayV2HTTPResponse issued = handle(
                    new DeviceChallengeHandler(setup.deviceChallenges()), "POST /2fa/devices/challenge", user, null);
            assertStatus(issued, 200);
            return (String) Api.body(issued).get("challenge");
        }

        /** Registration options on the set-up wiring (with a step-up proof when a factor is on): the challenge. */
        String registrationChallenge(String user, Map<String, String> proof) {
            APIGatewayV2HTTPResponse options = handle(
                    new WebAuthnRegisterOptionsHandler(setup.webauthnRegistrationOptions()),
                    "POST /2fa/webauthn/register/options",
                    user,
                    proof == null ? null : Api.json(proof));
            assertStatus(options, 200);
            return (String) Api.body(options).get("challenge");
        }

        void registerKey(String user, SoftwareAuthenticator key, String challenge) {
            assertStatus(
                    handle(
                            new WebAuthnRegisterHandler(setup.registerWebAuthn()),
                            "POST /2fa/webauthn/register",
                            user,
                            Api.json(Map.of("credential", key.register(challenge)))),
                    200);
        }

        /** A new user whose one factor is a security key. */
        KeyUser keyUser() {
            String user = newUser();
            SoftwareAuthenticator key = newSecurityKey();
            registerKey(user, key, registrationChallenge(user, null));
            return new KeyUser(user, key);
        }

        String authenticationChallenge(String user) {
            APIGatewayV2HTTPResponse options = handle(
                    new WebAuthnAuthenticateOptionsHandler(setup.webauthnAuthenticationOptions()),
                    "POST /2fa/webauthn/authenticate/options",
                    user,
                    null);
            assertStatus(options, 200);
            return (String) Api.body(options).get("challenge");
        }

        String smsEnabled(String user) {
            String phone = Sms.uniqueDanishMobile();
            assertStatus(smsSend(setup, user, "enable", phone), 202);
            assertStatus(smsConfirm(setup, user, "enable", Sms.lastCode(phone)), 200);
            clock.skip(Duration.ofSeconds(31));
            return phone;
        }

        @Override
        public void close() {
            proxy.close();
            setupAdapters.close();
        }
    }

    record Instance(AwsAdapters adapters, Wiring wiring) implements AutoCloseable {
        @Override
        public void close() {
            adapters.close();
        }
    }

    /** The wall clock plus an offset the worker moves forward past the SMS send interval. */
    static final class SkewClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void skip(Duration d) {
            offset = offset.plus(d);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    // ---- assertions ----

    static void assertStatus(APIGatewayV2HTTPResponse response, int status) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
    }

    static void assertUnavailable(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(503);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
        assertThat(response.getHeaders()).containsKey("Retry-After");
        assertThat(Api.problemType(response)).isEqualTo("urn:twofa:problem:dependency-unavailable");
    }

    /**
     * A best-effort call failed and the change stands: the items are those of a healthy run, less at
     * most the notice claim; the trail is a healthy run's, less at most the one event whose append
     * failed, plus the failure of the notice where one failed.
     */
    static void assertBestEffortState(Cell cell, State healthy, State after) {
        Map<String, Integer> items = new TreeMap<>(healthy.items());
        items.keySet().removeIf(k -> k.contains("NOTICE#"));
        Map<String, Integer> afterItems = new TreeMap<>(after.items());
        afterItems.keySet().removeIf(k -> k.contains("NOTICE#"));
        assertThat(afterItems).as("items besides the notice claim").isEqualTo(items);

        Map<String, Integer> events = new TreeMap<>(after.audit());
        int failedNotices = events.getOrDefault("notification_failed", 0);
        events.remove("notification_failed");
        int missing = 0;
        for (Map.Entry<String, Integer> e : healthy.audit().entrySet()) {
            int have = events.getOrDefault(e.getKey(), 0);
            assertThat(have).as("audit events %s", e.getKey()).isLessThanOrEqualTo(e.getValue());
            missing += e.getValue() - have;
        }
        assertThat(events.keySet())
                .as("no event a healthy run does not write")
                .isSubsetOf(healthy.audit().keySet());
        if (cell.operation().startsWith("ses:SendEmail")) {
            assertThat(failedNotices)
                    .as("the failed notice is on the audit trail")
                    .isPositive();
            assertThat(missing).isZero();
        } else {
            assertThat(missing).as("events missing from the trail").isLessThanOrEqualTo(1);
        }
    }

    /** The audit events, less those that record a failure (sms_send_failed, notification_failed…). */
    static Map<String, Integer> withoutFailures(Map<String, Integer> audit) {
        Map<String, Integer> events = new TreeMap<>(audit);
        events.keySet().removeIf(type -> type.endsWith("_failed"));
        return events;
    }

    /** Keys with the subject, ids, hashes and numbers blanked, counted; audit items by event type. */
    static State state(String subject) {
        Map<String, Integer> items = new TreeMap<>();
        Map<String, Integer> audit = new TreeMap<>();
        String table = ENV.get("TABLE_NAME");
        for (String pk :
                List.of("USER#" + subject, "MAILRATE#USER#" + subject, "SMSRATE#USER#" + subject, "ORG#" + subject)) {
            for (Map<String, AttributeValue> item : dynamo.query(q -> q.tableName(table)
                            .keyConditionExpression("pk = :pk")
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                            .consistentRead(true))
                    .items()) {
                items.merge(blank(pk, subject) + " " + blank(item.get("sk").s(), subject), 1, Integer::sum);
            }
        }
        for (Map<String, AttributeValue> item : dynamo.query(q -> q.tableName(table)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("AUDIT#" + subject)))
                        .consistentRead(true))
                .items()) {
            audit.merge(item.get("event").s(), 1, Integer::sum);
        }
        return new State(Collections.unmodifiableMap(items), Collections.unmodifiableMap(audit));
    }

    private static String blank(String key, String subject) {
        return key.replace(subject, "S").replaceAll("[A-Za-z0-9_-]{20,}", "*").replaceAll("\\d+", "N");
    }

    // ---- requests ----

    static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    static APIGatewayV2HTTPResponse handle(
            com.amazonaws.services.lambda.runtime.RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>
                    handler,
            String route,
            String user,
            String body) {
        return handler.handleRequest(Api.request(route, user, body), null);
    }

    static APIGatewayV2HTTPResponse confirm(Wiring wiring, String user, String code) {
        return handle(
                new ConfirmTotpHandler(wiring.confirmTotp()),
                "POST /2fa/totp/confirm",
                user,
                Api.json(Map.of("code", code)));
    }

    static APIGatewayV2HTTPResponse verify(Wiring wiring, String user, String field, String value) {
        return handle(
                new VerifyLoginHandler(wiring.verifyLogin()), "POST /2fa/verify", user, Api.json(Map.of(field, value)));
    }

    static APIGatewayV2HTTPResponse smsSend(Wiring wiring, String user, String purpose, String phone) {
        Map<String, Object> body = new HashMap<>();
        body.put("purpose", purpose);
        if (phone != null) {
            body.put("phoneNumber", phone);
        }
        return handle(new SmsSendHandler(wiring.smsSend()), "POST /2fa/sms/send", user, Api.json(body));
    }

    static APIGatewayV2HTTPResponse smsConfirm(Wiring wiring, String user, String purpose, String code) {
        return handle(
                new SmsConfirmHandler(wiring.smsConfirm()),
                "POST /2fa/sms/confirm",
                user,
                Api.json(Map.of("purpose", purpose, "code", code)));
    }
}
