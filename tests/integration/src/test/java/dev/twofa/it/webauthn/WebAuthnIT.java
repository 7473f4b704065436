package dev.twofa.it.webauthn;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.functions.webauthnregister.WebAuthnRegisterHandler;
import dev.twofa.functions.webauthnremove.WebAuthnRemoveHandler;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.Race;
import dev.twofa.it.support.Sms;
import dev.twofa.it.support.TestApp;
import dev.twofa.it.support.WireRace;
import dev.twofa.testing.SoftwareAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Security keys and passkeys (WebAuthn) from the attacker's side, on the emulators. The authenticator
 * is the test's own ({@link SoftwareAuthenticator}: a JDK P-256 key, authenticator data and CBOR built
 * by hand), so the server's library never checks itself. Each test is one way in that must stay
 * shut: a phishing site's origin, another RP id, a replayed or expired challenge, another user's
 * credential, a cloned key, a tampered signature, a missing user verification when required, an
 * eleventh key, a registration with the password alone, removing the last factor under a mandatory
 * policy, and one challenge used in parallel.
 */
class WebAuthnIT {
    private static final String INVALID_CODE = "urn:twofa:problem:invalid-code";
    private static final String INVALID_REQUEST = "urn:twofa:problem:invalid-request";
    private static final String WRONG_STATE = "urn:twofa:problem:wrong-state";
    private static final String STEP_UP_REQUIRED = "urn:twofa:problem:step-up-required";
    private static final String RP_ID = "app.twofa.test";
    private static final String ORIGIN = TestApp.APP_BASE_URL;

    private final TestApp app = new TestApp();

    private static SoftwareAuthenticator newKey() {
        return new SoftwareAuthenticator(RP_ID, ORIGIN);
    }

    private static Map<String, String> proof(String field, String value) {
        return value == null ? Map.of() : Map.of(field, value);
    }

    private APIGatewayV2HTTPResponse registerOptions(TestApp on, String userId, Map<String, String> proof) {
        return on.webauthnRegisterOptions()
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/register/options",
                                userId,
                                proof.isEmpty() ? null : Api.json(proof)),
                        null);
    }

    private APIGatewayV2HTTPResponse register(TestApp on, String userId, Map<String, Object> credential, String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("credential", credential);
        if (name != null) {
            body.put("name", name);
        }
        return on.webauthnRegister()
                .handleRequest(Api.request("POST /2fa/webauthn/register", userId, Api.json(body)), null);
    }

    private static String challengeOf(APIGatewayV2HTTPResponse options) {
        assertThat(options.getStatusCode()).as(options.getBody()).isEqualTo(200);
        return (String) Api.body(options).get("challenge");
    }

    /** Options and registration in one, with a step-up proof when given. */
    private APIGatewayV2HTTPResponse enrollKey(
            TestApp on, String userId, SoftwareAuthenticator key, Map<String, String> proof) {
        String challenge = challengeOf(registerOptions(on, userId, proof));
        return register(on, userId, key.register(challenge), null);
    }

    private String authenticateChallenge(TestApp on, String userId) {
        return challengeOf(on.webauthnAuthenticateOptions()
                .handleRequest(Api.request("POST /2fa/webauthn/authenticate/options", userId, null), null));
    }

    private APIGatewayV2HTTPResponse verify(TestApp on, String userId, Map<String, Object> assertion) {
        return on.verifyLogin()
                .handleRequest(Api.request("POST /2fa/verify", userId, Api.json(Map.of("webauthn", assertion))), null);
    }

    private APIGatewayV2HTTPResponse signIn(TestApp on, String userId, SoftwareAuthenticator key) {
        return verify(on, userId, key.authenticate(authenticateChallenge(on, userId), userHandle(userId)));
    }

    /** What the server gives a passkey as its user handle: tested against its documented form. */
    private static byte[] userHandle(String userId) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(("twofa-webauthn-user-v1:" + userId).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private record KeyUser(String userId, SoftwareAuthenticator key) {}

    /** A user whose only factor is one security key (no step-up needed for the first factor). */
    private KeyUser keyUser() {
        String userId = "user-" + UUID.randomUUID();
        SoftwareAuthenticator key = newKey();
        APIGatewayV2HTTPResponse registered = enrollKey(app, userId, key, Map.of());
        assertThat(registered.getStatusCode()).as(registered.getBody()).isEqualTo(200);
        return new KeyUser(userId, key);
    }

    private String assertionOf(APIGatewayV2HTTPResponse verified) {
        assertThat(verified.getStatusCode()).as(verified.getBody()).isEqualTo(200);
        return (String) Api.body(verified).get("assertion");
    }

    private static Map<String, Object> claims(String assertion) throws Exception {
        return JSON.std.mapFrom(
                new String(Base64.getUrlDecoder().decode(assertion.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private Map<String, AttributeValue> item(String userId, String sk) {
        return app.dynamo
                .getItem(g -> g.tableName(app.table)
                        .key(Map.of("pk", AttributeValue.fromS("USER#" + userId), "sk", AttributeValue.fromS(sk)))
                        .consistentRead(true))
                .item();
    }

    private int failures(String userId) {
        Map<String, AttributeValue> account = item(userId, "ACCOUNT");
        return account.containsKey("failures")
                ? Integer.parseInt(account.get("failures").n())
                : 0;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> credentials(String userId) {
        APIGatewayV2HTTPResponse listed = app.webauthnCredentials()
                .handleRequest(Api.request("GET /2fa/webauthn/credentials", userId, null), null);
        assertThat(listed.getStatusCode()).as(listed.getBody()).isEqualTo(200);
        return (List<Map<String, Object>>) Api.body(listed).get("credentials");
    }

    private String activity(String userId) {
        return app.activity()
                .handleRequest(Api.request("GET /2fa/activity?limit=50", userId, null), null)
                .getBody();
    }

    private APIGatewayV2HTTPResponse remove(
            WebAuthnRemoveHandler on, String userId, String id, String assertion, Map<String, String> claims) {
        return on.handleRequest(
                Api.request(
                        "POST /2fa/webauthn/credentials/remove",
                        userId,
                        Api.json(Map.of("id", id, "assertion", assertion)),
                        claims),
                null);
    }

    private APIGatewayV2HTTPResponse rename(String userId, String id, String name) {
        return app.webauthnRename()
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/credentials/rename",
                                userId,
                                Api.json(Map.of("id", id, "name", name))),
                        null);
    }

    /** A mandatory two-factor policy for a new organisation; the claims of one of its members. */
    private Map<String, String> mandatoryOrg() {
        String org = "org-" + UUID.randomUUID();
        Map<String, Object> policy = new HashMap<>();
        policy.put("orgId", org);
        policy.put("mfaRequired", true);
        policy.put("reason", "security review 2026");
        assertThat(app.orgPolicy()
                        .handleRequest(
                                Api.operatorRequest(
                                        "PUT /operator/org-policy", Api.supportSession("bob"), Api.json(policy)),
                                null)
                        .getStatusCode())
                .isEqualTo(200);
        return Map.of("org_id", org);
    }

    /** The user's key adds a second one (step-up with a fresh sign-in). */
    private SoftwareAuthenticator secondKey(KeyUser user) {
        SoftwareAuthenticator second = newKey();
        APIGatewayV2HTTPResponse added = enrollKey(
                app, user.userId(), second, proof("assertion", assertionOf(signIn(app, user.userId(), user.key()))));
        assertThat(added.getStatusCode()).as(added.getBody()).isEqualTo(200);
        return second;
    }

    /** The state parallel guesses elsewhere leave behind: {@code failures} counted, the last one now. */
    private void failuresCountedElsewhere(String userId, int failures) {
        app.dynamo.updateItem(u -> u.tableName(app.table)
                .key(Map.of("pk", AttributeValue.fromS("USER#" + userId), "sk", AttributeValue.fromS("ACCOUNT")))
                .updateExpression("SET failures = :n, lastFailureAt = :at")
                .expressionAttributeValues(Map.of(
                        ":n", AttributeValue.fromN(Integer.toString(failures)),
                        ":at",
                                AttributeValue.fromN(
                                        Long.toString(app.clock.instant().toEpochMilli())))));
    }

    @Test
    void insideTheBackOff_evenTheRightKey_waits_andDoesNotSignIn() {
        KeyUser user = keyUser();
        String challenge = authenticateChallenge(app, user.userId());
        // Five failures counted through another route: the next attempt waits 1 s.
        failuresCountedElsewhere(user.userId(), 5);

        APIGatewayV2HTTPResponse waits =
                verify(app, user.userId(), user.key().authenticate(challenge, userHandle(user.userId())));

        assertThat(waits.getStatusCode()).as(waits.getBody()).isEqualTo(429);
        assertThat(waits.getHeaders()).containsKey("Retry-After");
        assertThat(app.events.namesFor(user.userId())).doesNotContain("verify_succeeded");
        assertThat(failures(user.userId())).isEqualTo(5);
    }

    @Test
    void aCounterEqualToTheStoredOne_isRefused_andOneAboveIsAccepted() {
        KeyUser user = keyUser();
        assertThat(signIn(app, user.userId(), user.key()).getStatusCode()).isEqualTo(200);
        long stored = Long.parseLong(
                item(user.userId(), "WEBAUTHN#00").get("signCount").n());
        assertThat(stored).isPositive();

        user.key().signCount(stored - 1); // the next signature carries exactly the stored counter
        APIGatewayV2HTTPResponse equal = signIn(app, user.userId(), user.key());
        assertThat(equal.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(equal)).isEqualTo(INVALID_CODE);

        user.key().signCount(stored); // exactly one above
        APIGatewayV2HTTPResponse above = signIn(app, user.userId(), user.key());
        assertThat(above.getStatusCode()).as(above.getBody()).isEqualTo(200);
    }

    @Test
    void anEmptyUserHandle_isNoHandle_butAnotherUsersHandle_isRefusedAndCounted() {
        KeyUser user = keyUser();
        APIGatewayV2HTTPResponse empty = verify(
                app, user.userId(), user.key().authenticate(authenticateChallenge(app, user.userId()), new byte[0]));
        assertThat(empty.getStatusCode()).as(empty.getBody()).isEqualTo(200);

        APIGatewayV2HTTPResponse foreign = verify(
                app,
                user.userId(),
                user.key()
                        .authenticate(
                                authenticateChallenge(app, user.userId()), userHandle("user-" + UUID.randomUUID())));
        assertThat(foreign.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(foreign)).isEqualTo(INVALID_CODE);
        assertThat(failures(user.userId())).isEqualTo(1);
    }

    @Test
    void aRegistration_whoseChallengeAnotherRegistrationSpentMeanwhile_isRefused() {
        String userId = "user-" + UUID.randomUUID();
        String challenge = challengeOf(registerOptions(app, userId, Map.of()));
        SoftwareAuthenticator other = newKey();
        WireRace race = WireRace.beforeCommit(app, () -> assertThat(
                        register(app, userId, other.register(challenge), null).getStatusCode())
                .isEqualTo(200));

        APIGatewayV2HTTPResponse lost = new WebAuthnRegisterHandler(race.held().registerWebAuthn())
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/register",
                                userId,
                                Api.json(Map.of("credential", newKey().register(challenge)))),
                        null);

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(400);
        assertThat(Api.problemType(lost)).isEqualTo(INVALID_REQUEST);
        assertThat(credentials(userId)).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("id", other.credentialId()));
    }

    @Test
    void aRegistration_whoseChallengeWasReplacedMeanwhile_isRefused() {
        String userId = "user-" + UUID.randomUUID();
        String challenge = challengeOf(registerOptions(app, userId, Map.of()));
        WireRace race = WireRace.beforeCommit(app, () -> challengeOf(registerOptions(app, userId, Map.of())));

        APIGatewayV2HTTPResponse lost = new WebAuthnRegisterHandler(race.held().registerWebAuthn())
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/register",
                                userId,
                                Api.json(Map.of("credential", newKey().register(challenge)))),
                        null);

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(400);
        assertThat(Api.problemType(lost)).isEqualTo(INVALID_REQUEST);
        assertThat(credentials(userId)).isEmpty();
    }

    @Test
    void aRegistration_withoutStepUp_whileAFactorWentOnMeanwhile_isRefused() {
        String userId = "user-" + UUID.randomUUID();
        String challenge = challengeOf(registerOptions(app, userId, Map.of()));
        WireRace race = WireRace.beforeCommit(app, () -> Enrollment.enroll(app, userId));

        APIGatewayV2HTTPResponse lost = new WebAuthnRegisterHandler(race.held().registerWebAuthn())
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/register",
                                userId,
                                Api.json(Map.of("credential", newKey().register(challenge)))),
                        null);

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(403);
        assertThat(Api.problemType(lost)).isEqualTo(STEP_UP_REQUIRED);
        assertThat(credentials(userId)).isEmpty();
    }

    @Test
    void aRegistration_whileAnotherKeyWasRemovedMeanwhile_isRefused_andCanBeRetried() {
        KeyUser user = keyUser();
        SoftwareAuthenticator second = secondKey(user);
        String challenge = challengeOf(registerOptions(
                app, user.userId(), proof("assertion", assertionOf(signIn(app, user.userId(), user.key())))));
        String removeProof = assertionOf(signIn(app, user.userId(), user.key()));
        WireRace race = WireRace.beforeCommit(app, () -> assertThat(
                        remove(app.webauthnRemove(), user.userId(), second.credentialId(), removeProof, Map.of())
                                .getStatusCode())
                .isEqualTo(200));

        APIGatewayV2HTTPResponse lost = new WebAuthnRegisterHandler(race.held().registerWebAuthn())
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/register",
                                user.userId(),
                                Api.json(Map.of("credential", newKey().register(challenge)))),
                        null);

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(409);
        assertThat(Api.problemType(lost)).isEqualTo(WRONG_STATE);
        assertThat(credentials(user.userId())).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("id", user.key().credentialId()));
    }

    @Test
    void aRemoval_whileAnotherKeyWasRemovedMeanwhile_isRefused_andTheProofIsNotSpent() {
        KeyUser user = keyUser();
        SoftwareAuthenticator second = secondKey(user);
        String proof = assertionOf(signIn(app, user.userId(), user.key()));
        String otherProof = assertionOf(signIn(app, user.userId(), user.key()));
        WireRace race = WireRace.beforeCommit(app, () -> assertThat(
                        remove(app.webauthnRemove(), user.userId(), second.credentialId(), otherProof, Map.of())
                                .getStatusCode())
                .isEqualTo(200));

        APIGatewayV2HTTPResponse lost = remove(
                new WebAuthnRemoveHandler(race.held().removeWebAuthn()),
                user.userId(),
                user.key().credentialId(),
                proof,
                Map.of());

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(409);
        assertThat(Api.problemType(lost)).isEqualTo(WRONG_STATE);
        assertThat(lost.getBody()).contains("registered or removed at the same time");
        assertThat(credentials(user.userId())).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("id", user.key().credentialId()));
        // The proof was not spent: the same one removes the key now.
        APIGatewayV2HTTPResponse retried =
                remove(app.webauthnRemove(), user.userId(), user.key().credentialId(), proof, Map.of());
        assertThat(retried.getStatusCode()).as(retried.getBody()).isEqualTo(200);
    }

    @Test
    void theLastKey_underAMandatoryPolicy_whileTheAppWasTurnedOffMeanwhile_isKept() {
        Map<String, String> member = mandatoryOrg();
        Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());
        SoftwareAuthenticator key = newKey();
        assertThat(enrollKey(
                                app,
                                user.userId(),
                                key,
                                proof("recoveryCode", user.recoveryCodes().get(0)))
                        .getStatusCode())
                .isEqualTo(200);
        String proof = assertionOf(signIn(app, user.userId(), key));
        String offProof = assertionOf(signIn(app, user.userId(), key));
        WireRace race = WireRace.beforeCommit(
                app, () -> assertThat(Enrollment.disable(app, user.userId(), "assertion", offProof)
                                .getStatusCode())
                        .isEqualTo(200));

        APIGatewayV2HTTPResponse lost = remove(
                new WebAuthnRemoveHandler(race.held().removeWebAuthn()),
                user.userId(),
                key.credentialId(),
                proof,
                member);

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(409);
        assertThat(Api.problemType(lost)).isEqualTo(WRONG_STATE);
        assertThat(lost.getBody()).contains("turned off meanwhile");
        assertThat(credentials(user.userId())).hasSize(1);
    }

    @Test
    void theLastKey_underAMandatoryPolicy_goes_whileTheAppOrSmsStaysOn() {
        Map<String, String> member = mandatoryOrg();
        Enrollment.Enrolled withApp = Enrollment.enroll(app, "user-" + UUID.randomUUID());
        SoftwareAuthenticator appUsersKey = newKey();
        assertThat(enrollKey(
                                app,
                                withApp.userId(),
                                appUsersKey,
                                proof("recoveryCode", withApp.recoveryCodes().get(0)))
                        .getStatusCode())
                .isEqualTo(200);
        APIGatewayV2HTTPResponse removed = remove(
                app.webauthnRemove(),
                withApp.userId(),
                appUsersKey.credentialId(),
                assertionOf(signIn(app, withApp.userId(), appUsersKey)),
                member);
        assertThat(removed.getStatusCode()).as(removed.getBody()).isEqualTo(200);
        assertThat(credentials(withApp.userId())).isEmpty();

        KeyUser withSms = keyUser();
        Sms.enable(
                app,
                withSms.userId(),
                Sms.uniqueMobile("US"),
                Map.of("assertion", assertionOf(signIn(app, withSms.userId(), withSms.key()))));
        APIGatewayV2HTTPResponse smsRemoved = remove(
                app.webauthnRemove(),
                withSms.userId(),
                withSms.key().credentialId(),
                assertionOf(signIn(app, withSms.userId(), withSms.key())),
                member);
        assertThat(smsRemoved.getStatusCode()).as(smsRemoved.getBody()).isEqualTo(200);
        assertThat(credentials(withSms.userId())).isEmpty();
    }

    @Test
    void everyChange_isAnnouncedAsAnEvent_andARemovalIsEmailed() {
        KeyUser user = keyUser();
        assertThat(app.events.namesFor(user.userId())).contains("webauthn_registered");
        assertThat(signIn(app, user.userId(), user.key()).getStatusCode()).isEqualTo(200);
        assertThat(app.events.namesFor(user.userId())).contains("verify_succeeded");

        APIGatewayV2HTTPResponse badName = rename(user.userId(), user.key().credentialId(), "bad\u0007name");
        assertThat(badName.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(badName)).isEqualTo(INVALID_REQUEST);
        assertThat(rename(user.userId(), user.key().credentialId(), "Blue key").getStatusCode())
                .isEqualTo(200);
        assertThat(app.events.namesFor(user.userId())).contains("webauthn_renamed");

        SoftwareAuthenticator second = secondKey(user);
        APIGatewayV2HTTPResponse removed = remove(
                app.webauthnRemove(),
                user.userId(),
                second.credentialId(),
                assertionOf(signIn(app, user.userId(), user.key())),
                Map.of());
        assertThat(removed.getStatusCode()).as(removed.getBody()).isEqualTo(200);
        assertThat(app.events.namesFor(user.userId())).contains("webauthn_removed");
        assertThat(Emulators.sentEmailsTo(Api.emailOf(user.userId()))).anySatisfy(e -> assertThat(e.subject())
                .isEqualTo("Security key removed from two-factor authentication"));
    }

    @Test
    void aRecoveryCodeSpentOnRegistrationOptions_isAnnouncedAndAudited() {
        Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());
        challengeOf(registerOptions(
                app, user.userId(), proof("recoveryCode", user.recoveryCodes().get(0))));

        assertThat(app.events.namesFor(user.userId())).contains("recovery_code_used");
        assertThat(activity(user.userId())).contains("\"event\":\"recovery_code_used\"");
    }

    @Test
    void aKeyRegisteredTwice_aBadName_andTheDefaultNames() {
        KeyUser user = keyUser();
        assertThat(credentials(user.userId())).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("name", "Security key"));

        String again = challengeOf(registerOptions(
                app, user.userId(), proof("assertion", assertionOf(signIn(app, user.userId(), user.key())))));
        APIGatewayV2HTTPResponse twice = register(app, user.userId(), user.key().register(again), null);
        assertThat(twice.getStatusCode()).as(twice.getBody()).isEqualTo(409);
        assertThat(Api.problemType(twice)).isEqualTo(WRONG_STATE);

        String named = challengeOf(registerOptions(
                app, user.userId(), proof("assertion", assertionOf(signIn(app, user.userId(), user.key())))));
        APIGatewayV2HTTPResponse badName = register(app, user.userId(), newKey().register(named), "bad\u0007name");
        assertThat(badName.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(badName)).isEqualTo(INVALID_REQUEST);

        SoftwareAuthenticator passkey = newKey();
        passkey.backedUp = true;
        String third = challengeOf(registerOptions(
                app, user.userId(), proof("assertion", assertionOf(signIn(app, user.userId(), user.key())))));
        assertThat(register(app, user.userId(), passkey.register(third), null).getStatusCode())
                .isEqualTo(200);
        assertThat(credentials(user.userId())).anySatisfy(c -> assertThat(c)
                .containsEntry("id", passkey.credentialId())
                .containsEntry("name", "Passkey"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSecurityKey_registers_andSignsIn_withAnHwkAssertion_listedAuditedAndNoticed() throws Exception {
        String userId = "user-" + UUID.randomUUID();
        SoftwareAuthenticator key = newKey();

        APIGatewayV2HTTPResponse options = registerOptions(app, userId, Map.of());
        Map<String, Object> creation = Api.body(options);
        assertThat(creation.get("rp")).isEqualTo(Map.of("id", RP_ID, "name", "TwoFA Test"));
        assertThat(creation).containsEntry("attestation", "none").containsKey("challenge");
        assertThat((Map<String, Object>) creation.get("authenticatorSelection"))
                .containsEntry("residentKey", "preferred")
                .containsEntry("userVerification", "preferred");
        assertThat((Map<String, Object>) creation.get("user"))
                .containsEntry("id", Base64.getUrlEncoder().withoutPadding().encodeToString(userHandle(userId)));
        APIGatewayV2HTTPResponse registered =
                register(app, userId, key.register((String) creation.get("challenge")), "YubiKey 5C");
        assertThat(registered.getStatusCode()).as(registered.getBody()).isEqualTo(200);
        assertThat(Api.body(registered)).containsEntry("id", key.credentialId()).containsEntry("name", "YubiKey 5C");

        Map<String, Object> request = Api.body(app.webauthnAuthenticateOptions()
                .handleRequest(Api.request("POST /2fa/webauthn/authenticate/options", userId, null), null));
        assertThat(request).containsEntry("rpId", RP_ID);
        assertThat((List<Map<String, Object>>) request.get("allowCredentials"))
                .singleElement()
                .satisfies(c ->
                        assertThat(c).containsEntry("id", key.credentialId()).containsEntry("type", "public-key"));
        APIGatewayV2HTTPResponse verified =
                verify(app, userId, key.authenticate((String) request.get("challenge"), userHandle(userId)));

        assertThat(verified.getStatusCode()).as(verified.getBody()).isEqualTo(200);
        assertThat(Api.body(verified)).containsEntry("method", "webauthn");
        Map<String, Object> claims = claims((String) Api.body(verified).get("assertion"));
        assertThat(claims).containsEntry("amr", List.of("hwk", "user")).containsEntry("sub", userId);
        assertThat(claims).doesNotContainKey("remembered_device");
        assertThat(credentials(userId)).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("name", "YubiKey 5C")
                .containsKey("lastUsedAt"));
        assertThat(item(userId, "WEBAUTHN#00").get("signCount").n()).isEqualTo("2");
        assertThat(activity(userId))
                .contains("\"event\":\"webauthn_registered\"")
                .contains("\"event\":\"verify_succeeded\",\"method\":\"webauthn\"");
        assertThat(Emulators.sentEmailsTo(Api.emailOf(userId)))
                .anySatisfy(e -> assertThat(e.subject()).isEqualTo("Security key added for two-factor authentication"));
        assertThat(Enrollment.status(app, userId)).containsEntry("enrollmentRequired", false);
    }

    @Test
    void withoutUserVerification_theAssertionSaysHwkOnly() throws Exception {
        KeyUser user = keyUser();
        user.key().userVerified = false;
        Map<String, Object> claims = claims(assertionOf(signIn(app, user.userId(), user.key())));
        assertThat(claims).containsEntry("amr", List.of("hwk"));
    }

    @Test
    void aPhishingSitesOrigin_isRefused_atRegistrationAndAtSignIn() {
        String userId = "user-" + UUID.randomUUID();
        SoftwareAuthenticator key = newKey();
        key.origin = "https://app.twofa.test.login-check.example";
        APIGatewayV2HTTPResponse refused =
                register(app, userId, key.register(challengeOf(registerOptions(app, userId, Map.of()))), null);
        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(refused)).isEqualTo(INVALID_REQUEST);
        assertThat(Api.body(refused)).containsEntry("field", "credential");
        assertThat(credentials(userId)).isEmpty();

        KeyUser user = keyUser();
        user.key().origin = "https://app-twofa.example";
        APIGatewayV2HTTPResponse phished = signIn(app, user.userId(), user.key());
        assertThat(phished.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(phished)).isEqualTo(INVALID_CODE);
        assertThat(failures(user.userId())).isEqualTo(1);
    }

    @Test
    void anotherRpId_isRefused_atRegistrationAndAtSignIn() {
        String userId = "user-" + UUID.randomUUID();
        SoftwareAuthenticator key = newKey();
        key.rpId = "twofa-evil.test";
        APIGatewayV2HTTPResponse refused =
                register(app, userId, key.register(challengeOf(registerOptions(app, userId, Map.of()))), null);
        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(refused)).isEqualTo(INVALID_REQUEST);

        KeyUser user = keyUser();
        user.key().rpId = "twofa-evil.test";
        APIGatewayV2HTTPResponse wrongRp = signIn(app, user.userId(), user.key());
        assertThat(wrongRp.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(wrongRp)).isEqualTo(INVALID_CODE);
    }

    @Test
    void aReplayedChallenge_isRefused_atSignInAndAtRegistration() {
        KeyUser user = keyUser();
        Map<String, Object> assertion =
                user.key().authenticate(authenticateChallenge(app, user.userId()), userHandle(user.userId()));
        assertThat(verify(app, user.userId(), assertion).getStatusCode()).isEqualTo(200);

        APIGatewayV2HTTPResponse replayed = verify(app, user.userId(), assertion);

        assertThat(replayed.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(replayed)).isEqualTo(INVALID_CODE);

        String userId = "user-" + UUID.randomUUID();
        SoftwareAuthenticator key = newKey();
        Map<String, Object> credential = key.register(challengeOf(registerOptions(app, userId, Map.of())));
        assertThat(register(app, userId, credential, null).getStatusCode()).isEqualTo(200);
        APIGatewayV2HTTPResponse again = register(app, userId, credential, null);
        assertThat(again.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(again)).isEqualTo(INVALID_REQUEST);
    }

    @Test
    void anExpiredChallenge_isRefused_andAReplacedOneToo() {
        KeyUser user = keyUser();
        String old = authenticateChallenge(app, user.userId());
        String current = authenticateChallenge(app, user.userId());
        APIGatewayV2HTTPResponse replaced =
                verify(app, user.userId(), user.key().authenticate(old, userHandle(user.userId())));
        assertThat(replaced.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(replaced)).isEqualTo(INVALID_CODE);

        app.clock.advance(Duration.ofMinutes(3).plusSeconds(1));

        APIGatewayV2HTTPResponse expired =
                verify(app, user.userId(), user.key().authenticate(current, userHandle(user.userId())));
        assertThat(expired.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(expired)).isEqualTo(INVALID_CODE);
        // Neither compared anything: not counted.
        assertThat(failures(user.userId())).isZero();

        String userId = "user-" + UUID.randomUUID();
        String challenge = challengeOf(registerOptions(app, userId, Map.of()));
        app.clock.advance(Duration.ofMinutes(3).plusSeconds(1));
        APIGatewayV2HTTPResponse late = register(app, userId, newKey().register(challenge), null);
        assertThat(late.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(late)).isEqualTo(INVALID_REQUEST);
    }

    @Test
    void anotherUsersCredential_signingTheAttackersChallenge_isRefusedAndCounted() {
        KeyUser victim = keyUser();
        KeyUser attacker = keyUser();
        String challenge = authenticateChallenge(app, attacker.userId());

        // The victim's own key, in the attacker's hands, answering the attacker's challenge.
        APIGatewayV2HTTPResponse refused =
                verify(app, attacker.userId(), victim.key().authenticate(challenge, userHandle(attacker.userId())));

        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(refused)).isEqualTo(INVALID_CODE);
        assertThat(failures(attacker.userId())).isEqualTo(1);
        assertThat(failures(victim.userId())).isZero();
    }

    @Test
    void aClonedAuthenticator_whoseCounterDidNotGrow_isRefused_andAuditedAsAClone() {
        KeyUser user = keyUser();
        SoftwareAuthenticator clone = user.key().cloneKey();
        assertThat(signIn(app, user.userId(), user.key()).getStatusCode()).isEqualTo(200);

        // The copy signs with the counter it had when copied: not above the one the original left.
        APIGatewayV2HTTPResponse refused = signIn(app, user.userId(), clone);

        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(refused)).isEqualTo(INVALID_CODE);
        assertThat(failures(user.userId())).isEqualTo(1);
        assertThat(activity(user.userId())).contains("\"event\":\"webauthn_clone_suspected\"");
        assertThat(item(user.userId(), "WEBAUTHN#00").get("signCount").n()).isEqualTo("2");
    }

    @Test
    void anAuthenticatorThatDoesNotCount_keepsSigningIn() {
        String userId = "user-" + UUID.randomUUID();
        SoftwareAuthenticator key = newKey();
        key.counterStep = 0;
        assertThat(enrollKey(app, userId, key, Map.of()).getStatusCode()).isEqualTo(200);
        assertThat(signIn(app, userId, key).getStatusCode()).isEqualTo(200);
        assertThat(signIn(app, userId, key).getStatusCode()).isEqualTo(200);
    }

    @Test
    void aTamperedSignature_isRefusedAndCounted() {
        KeyUser user = keyUser();
        user.key().tamperSignature = true;

        APIGatewayV2HTTPResponse refused = signIn(app, user.userId(), user.key());

        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(refused)).isEqualTo(INVALID_CODE);
        assertThat(failures(user.userId())).isEqualTo(1);
    }

    @Test
    void userVerificationRequired_refusesAKeyThatDidNotVerifyTheUser() {
        TestApp strict = new TestApp(Map.of("WEBAUTHN_USER_VERIFICATION", "required"));
        String userId = "user-" + UUID.randomUUID();
        SoftwareAuthenticator key = newKey();
        key.userVerified = false;
        APIGatewayV2HTTPResponse refused = enrollKey(strict, userId, key, Map.of());
        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(refused)).isEqualTo(INVALID_REQUEST);

        key.userVerified = true;
        assertThat(enrollKey(strict, userId, key, Map.of()).getStatusCode()).isEqualTo(200);
        key.userVerified = false;
        APIGatewayV2HTTPResponse unverified = signIn(strict, userId, key);
        assertThat(unverified.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(unverified)).isEqualTo(INVALID_CODE);
    }

    @Test
    void anEleventhKey_isRefused() {
        KeyUser user = keyUser();
        for (int i = 1; i < 10; i++) {
            String assertion = assertionOf(signIn(app, user.userId(), user.key()));
            APIGatewayV2HTTPResponse added = enrollKey(app, user.userId(), newKey(), proof("assertion", assertion));
            assertThat(added.getStatusCode()).as(added.getBody()).isEqualTo(200);
        }
        assertThat(credentials(user.userId())).hasSize(10);

        String assertion = assertionOf(signIn(app, user.userId(), user.key()));
        APIGatewayV2HTTPResponse eleventh = registerOptions(app, user.userId(), proof("assertion", assertion));

        assertThat(eleventh.getStatusCode()).isEqualTo(409);
        assertThat(Api.problemType(eleventh)).isEqualTo(WRONG_STATE);
    }

    @Test
    void withAnotherFactorOn_registrationNeedsAStepUp_andThePasswordAloneIsRefused() {
        Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());

        APIGatewayV2HTTPResponse refused = registerOptions(app, user.userId(), Map.of());

        assertThat(refused.getStatusCode()).isEqualTo(403);
        assertThat(Api.problemType(refused)).isEqualTo(STEP_UP_REQUIRED);
        // A second key needs a proof too: a security key is a factor.
        KeyUser keyUser = keyUser();
        APIGatewayV2HTTPResponse second = registerOptions(app, keyUser.userId(), Map.of());
        assertThat(second.getStatusCode()).isEqualTo(403);
        assertThat(Api.problemType(second)).isEqualTo(STEP_UP_REQUIRED);
        assertThat(Api.body(second).get("acceptedProofs")).isEqualTo(List.of("assertion"));
    }

    @Test
    void optionsAskedWithoutAFactor_doNotRegister_onceAFactorWentOnMeanwhile() {
        String userId = "user-" + UUID.randomUUID();
        String challenge = challengeOf(registerOptions(app, userId, Map.of()));
        Enrollment.enroll(app, userId);

        APIGatewayV2HTTPResponse refused = register(app, userId, newKey().register(challenge), null);

        assertThat(refused.getStatusCode()).isEqualTo(403);
        assertThat(Api.problemType(refused)).isEqualTo(STEP_UP_REQUIRED);
        assertThat(credentials(userId)).isEmpty();
    }

    @Test
    void removingTheLastFactor_isRefusedUnderAMandatoryPolicy_andAllowedWithAnotherKeyLeft() {
        String org = "org-" + UUID.randomUUID();
        Map<String, String> member = Map.of("org_id", org);
        Map<String, Object> policy = new HashMap<>();
        policy.put("orgId", org);
        policy.put("mfaRequired", true);
        policy.put("reason", "security review 2026");
        assertThat(app.orgPolicy()
                        .handleRequest(
                                Api.operatorRequest(
                                        "PUT /operator/org-policy", Api.supportSession("bob"), Api.json(policy)),
                                null)
                        .getStatusCode())
                .isEqualTo(200);
        KeyUser user = keyUser();

        String assertion = assertionOf(signIn(app, user.userId(), user.key()));
        APIGatewayV2HTTPResponse refused = app.webauthnRemove()
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/credentials/remove",
                                user.userId(),
                                Api.json(Map.of("id", user.key().credentialId(), "assertion", assertion)),
                                member),
                        null);

        assertThat(refused.getStatusCode()).isEqualTo(409);
        assertThat(Api.problemType(refused)).isEqualTo(WRONG_STATE);
        assertThat(credentials(user.userId())).hasSize(1);

        // With a second key, the first may go (step-up with a fresh sign-in), and then its name is gone.
        SoftwareAuthenticator second = newKey();
        assertThat(enrollKey(
                                app,
                                user.userId(),
                                second,
                                proof("assertion", assertionOf(signIn(app, user.userId(), user.key()))))
                        .getStatusCode())
                .isEqualTo(200);
        APIGatewayV2HTTPResponse removed = app.webauthnRemove()
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/credentials/remove",
                                user.userId(),
                                Api.json(Map.of(
                                        "id",
                                        user.key().credentialId(),
                                        "assertion",
                                        assertionOf(signIn(app, user.userId(), second)))),
                                member),
                        null);
        assertThat(removed.getStatusCode()).as(removed.getBody()).isEqualTo(200);
        assertThat(credentials(user.userId())).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("id", second.credentialId()));
        // The removed key signs in no more.
        APIGatewayV2HTTPResponse gone = signIn(app, user.userId(), user.key());
        assertThat(gone.getStatusCode()).isEqualTo(400);
    }

    @Test
    void removal_needsAStepUp() {
        KeyUser user = keyUser();
        APIGatewayV2HTTPResponse refused = app.webauthnRemove()
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/credentials/remove",
                                user.userId(),
                                Api.json(Map.of("id", user.key().credentialId()))),
                        null);
        assertThat(refused.getStatusCode()).isEqualTo(403);
        assertThat(Api.problemType(refused)).isEqualTo(STEP_UP_REQUIRED);
        assertThat(credentials(user.userId())).hasSize(1);
    }

    @Test
    void rename_changesTheListedName_onlyForTheCallersOwnKey() {
        KeyUser user = keyUser();
        KeyUser other = keyUser();
        APIGatewayV2HTTPResponse renamed = app.webauthnRename()
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/credentials/rename",
                                user.userId(),
                                Api.json(Map.of("id", user.key().credentialId(), "name", "Blue key"))),
                        null);
        assertThat(renamed.getStatusCode()).as(renamed.getBody()).isEqualTo(200);
        assertThat(credentials(user.userId())).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("name", "Blue key"));

        APIGatewayV2HTTPResponse foreign = app.webauthnRename()
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/credentials/rename",
                                other.userId(),
                                Api.json(Map.of("id", user.key().credentialId(), "name", "Mine now"))),
                        null);
        assertThat(foreign.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(foreign)).isEqualTo(INVALID_REQUEST);
        assertThat(credentials(user.userId())).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("name", "Blue key"));
    }

    @Test
    void oneChallenge_usedInParallel_signsInOnce() throws Exception {
        KeyUser user = keyUser();
        String body = Api.json(Map.of(
                "webauthn",
                user.key().authenticate(authenticateChallenge(app, user.userId()), userHandle(user.userId()))));

        List<Integer> statuses =
                Race.statuses(10, app::verifyLogin, () -> Api.request("POST /2fa/verify", user.userId(), body));

        assertThat(Collections.frequency(statuses, 200)).as(statuses.toString()).isEqualTo(1);
        assertThat(statuses).allMatch(s -> s == 200 || s == 400 || s == 429);
    }

    @Test
    void oneRegistrationChallenge_usedInParallel_registersOnce() throws Exception {
        String userId = "user-" + UUID.randomUUID();
        String challenge = challengeOf(registerOptions(app, userId, Map.of()));
        SoftwareAuthenticator key = newKey();
        String body = Api.json(Map.of("credential", key.register(challenge)));

        List<Integer> statuses = Race.statuses(
                10, app::webauthnRegister, () -> Api.request("POST /2fa/webauthn/register", userId, body));

        assertThat(Collections.frequency(statuses, 200)).as(statuses.toString()).isEqualTo(1);
        assertThat(credentials(userId)).hasSize(1);
        assertThat(item(userId, "ACCOUNT").get("webauthnCount").n()).isEqualTo("1");
    }

    @Test
    void malformedResponses_areInvalidRequests_beforeAnythingIsCounted() {
        KeyUser user = keyUser();
        String challenge = authenticateChallenge(app, user.userId());
        Map<String, Object> good = user.key().authenticate(challenge, userHandle(user.userId()));
        Map<String, Object> wrongType = new HashMap<>(good);
        wrongType.put("type", "password");
        Map<String, Object> idMismatch = new HashMap<>(good);
        idMismatch.put("id", "AAAA");
        Map<String, Object> extra = new HashMap<>(good);
        extra.put("password", "hunter2");
        for (Map<String, Object> bad : List.of(wrongType, idMismatch, extra)) {
            APIGatewayV2HTTPResponse refused = verify(app, user.userId(), bad);
            assertThat(refused.getStatusCode()).as(bad.keySet().toString()).isEqualTo(400);
            assertThat(Api.problemType(refused)).isEqualTo(INVALID_REQUEST);
        }
        assertThat(failures(user.userId())).isZero();
        assertThat(verify(app, user.userId(), good).getStatusCode()).isEqualTo(200);
    }
}
