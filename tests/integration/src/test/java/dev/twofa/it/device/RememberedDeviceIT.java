package dev.twofa.it.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.twofa.app.api.Credential;
import dev.twofa.app.api.Principal;
import dev.twofa.app.api.TwoFactorException.StepUpRequired;
import dev.twofa.functions.deviceregister.DeviceRegisterHandler;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.BrowserDeviceKey;
import dev.twofa.it.support.Emulators;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.IndependentTotp;
import dev.twofa.it.support.Race;
import dev.twofa.it.support.TestApp;
import dev.twofa.it.support.WireRace;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * "Remember this device", from the attacker's side, on the emulators: the device proves itself with
 * a P-256 key made here the way a browser makes it (the test is the software authenticator; the
 * server's check is not reused), by signing the current challenge. Each test is one way in that
 * must stay shut: a replayed or expired challenge, another user's device, another key, what a
 * database dump holds, a registration without a fresh second factor, a revoked or expired device,
 * parallel use of one challenge, and the lockout.
 */
class RememberedDeviceIT {
    private static final String INVALID_CODE = "urn:twofa:problem:invalid-code";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final TestApp app = new TestApp();

    private static KeyPair browserKey() {
        return BrowserDeviceKey.newKey();
    }

    private static String sign(KeyPair key, String challenge) {
        return BrowserDeviceKey.sign(key, challenge);
    }

    private record Remembered(Enrollment.Enrolled user, KeyPair key, String id) {}

    /** A TOTP sign-in a step later than the last: its assertion. */
    private String signIn(Enrollment.Enrolled user) {
        app.clock.advance(Duration.ofSeconds(30));
        APIGatewayV2HTTPResponse verified = Enrollment.verify(
                app, user.userId(), "code", IndependentTotp.codeAt(user.secret(), app.clock.instant()));
        assertThat(verified.getStatusCode()).as(verified.getBody()).isEqualTo(200);
        return (String) Api.body(verified).get("assertion");
    }

    private APIGatewayV2HTTPResponse register(String userId, KeyPair key, String assertion) {
        Map<String, Object> body = new HashMap<>();
        body.put("publicKey", B64.encodeToString(key.getPublic().getEncoded()));
        if (assertion != null) {
            body.put("assertion", assertion);
        }
        return app.deviceRegister().handleRequest(Api.request("POST /2fa/devices", userId, Api.json(body)), null);
    }

    private Remembered remembered() throws Exception {
        Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());
        KeyPair key = browserKey();
        APIGatewayV2HTTPResponse registered = register(user.userId(), key, signIn(user));
        assertThat(registered.getStatusCode()).as(registered.getBody()).isEqualTo(200);
        return new Remembered(user, key, (String) Api.body(registered).get("id"));
    }

    private String challenge(String userId) {
        APIGatewayV2HTTPResponse issued =
                app.deviceChallenge().handleRequest(Api.request("POST /2fa/devices/challenge", userId, null), null);
        assertThat(issued.getStatusCode()).as(issued.getBody()).isEqualTo(200);
        return (String) Api.body(issued).get("challenge");
    }

    private static String deviceBody(String id, String challenge, String signature) {
        return Api.json(Map.of("device", Map.of("id", id, "challenge", challenge, "signature", signature)));
    }

    private APIGatewayV2HTTPResponse verifyDevice(String userId, String body) {
        return app.verifyLogin().handleRequest(Api.request("POST /2fa/verify", userId, body), null);
    }

    private APIGatewayV2HTTPResponse signInWithDevice(Remembered device) throws Exception {
        String challenge = challenge(device.user().userId());
        return verifyDevice(device.user().userId(), deviceBody(device.id(), challenge, sign(device.key(), challenge)));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> devices(String userId) {
        APIGatewayV2HTTPResponse listed =
                app.deviceList().handleRequest(Api.request("GET /2fa/devices", userId, null), null);
        assertThat(listed.getStatusCode()).as(listed.getBody()).isEqualTo(200);
        return (List<Map<String, Object>>) Api.body(listed).get("devices");
    }

    private static Map<String, Object> claims(String assertion) throws Exception {
        return JSON.std.mapFrom(
                new String(Base64.getUrlDecoder().decode(assertion.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private static int failures(Map<String, AttributeValue> account) {
        return account.containsKey("failures")
                ? Integer.parseInt(account.get("failures").n())
                : 0;
    }

    private Map<String, AttributeValue> item(String userId, String sk) {
        return app.dynamo
                .getItem(g -> g.tableName(app.table)
                        .key(Map.of("pk", AttributeValue.fromS("USER#" + userId), "sk", AttributeValue.fromS(sk)))
                        .consistentRead(true))
                .item();
    }

    @Test
    void aRememberedDevice_signsIn_withAnAssertionThatSaysADeviceWasUsed_andTheUseIsListedAndAudited()
            throws Exception {
        Remembered device = remembered();

        APIGatewayV2HTTPResponse verified = signInWithDevice(device);

        assertThat(verified.getStatusCode()).as(verified.getBody()).isEqualTo(200);
        assertThat(Api.body(verified)).containsEntry("method", "device");
        Map<String, Object> claims = claims((String) Api.body(verified).get("assertion"));
        assertThat(claims).containsEntry("amr", List.of("swk")).containsEntry("remembered_device", true);
        assertThat(claims).containsEntry("sub", device.user().userId());
        assertThat(devices(device.user().userId()))
                .singleElement()
                .satisfies(d -> assertThat(d).containsEntry("id", device.id()).containsKey("lastUsedAt"));
        APIGatewayV2HTTPResponse activity = app.activity()
                .handleRequest(Api.request("GET /2fa/activity", device.user().userId(), null), null);
        assertThat(activity.getBody()).contains("\"event\":\"verify_succeeded\",\"method\":\"device\"");
        assertThat(activity.getBody()).contains("\"event\":\"device_registered\"");
        // The user is told a device was remembered (an attacker's remembering would not go unnoticed).
        assertThat(Emulators.sentEmailsTo(Api.emailOf(device.user().userId()))).anySatisfy(e -> assertThat(e.subject())
                .isEqualTo("A device was remembered for two-factor authentication"));
    }

    @Test
    void theProofMustNameTheCurrentChallenge_andTheDeviceByItsWholeId() throws Exception {
        Remembered device = remembered();
        String userId = device.user().userId();
        String current = challenge(userId);
        String signature = sign(device.key(), current);

        // The current challenge signed, but another one named: refused before the key is even read.
        String other = B64.encodeToString(new byte[32]);
        APIGatewayV2HTTPResponse otherChallenge = verifyDevice(userId, deviceBody(device.id(), other, signature));
        assertThat(otherChallenge.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(otherChallenge)).isEqualTo(INVALID_CODE);

        // The device's slot with another random part (ids are not secret, but they are exact).
        String sameSlot = device.id().substring(0, 2) + B64.encodeToString(new byte[16]);
        APIGatewayV2HTTPResponse otherId = verifyDevice(userId, deviceBody(sameSlot, current, signature));
        assertThat(otherId.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(otherId)).isEqualTo(INVALID_CODE);

        // Neither spent the challenge: the exact proof still signs in, and the sign-in is logged.
        assertThat(verifyDevice(userId, deviceBody(device.id(), current, signature))
                        .getStatusCode())
                .isEqualTo(200);
        assertThat(app.events.all()).anySatisfy(e -> assertThat(e.userId() + " " + e.type() + " " + e.method())
                .isEqualTo(userId + " verify_succeeded device"));
    }

    @Test
    void aReplayedChallenge_isRefused() throws Exception {
        Remembered device = remembered();
        String challenge = challenge(device.user().userId());
        String body = deviceBody(device.id(), challenge, sign(device.key(), challenge));
        assertThat(verifyDevice(device.user().userId(), body).getStatusCode()).isEqualTo(200);

        APIGatewayV2HTTPResponse replayed = verifyDevice(device.user().userId(), body);

        assertThat(replayed.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(replayed)).isEqualTo(INVALID_CODE);
    }

    @Test
    void anExpiredChallenge_isRefused_andAReplacedOneToo() throws Exception {
        Remembered device = remembered();
        String old = challenge(device.user().userId());
        String replacing = challenge(device.user().userId());
        assertThat(verifyDevice(device.user().userId(), deviceBody(device.id(), old, sign(device.key(), old)))
                        .getStatusCode())
                .isEqualTo(400);

        app.clock.advance(Duration.ofMinutes(2).plusSeconds(1));

        APIGatewayV2HTTPResponse expired =
                verifyDevice(device.user().userId(), deviceBody(device.id(), replacing, sign(device.key(), replacing)));
        assertThat(expired.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(expired)).isEqualTo(INVALID_CODE);
    }

    @Test
    void anotherUsersDevice_signingTheAttackersChallenge_isRefused() throws Exception {
        Remembered victims = remembered();
        Enrollment.Enrolled attacker = Enrollment.enroll(app, "attacker-" + UUID.randomUUID());
        String challenge = challenge(attacker.userId());

        // Even with the victim's device in hand: the device is the victim's, not the attacker's.
        APIGatewayV2HTTPResponse refused =
                verifyDevice(attacker.userId(), deviceBody(victims.id(), challenge, sign(victims.key(), challenge)));

        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(refused)).isEqualTo(INVALID_CODE);
        assertThat(failures(item(attacker.userId(), "ACCOUNT"))).isEqualTo(1);
    }

    @Test
    void aSignatureByAnotherKey_isRefused_andCounted() throws Exception {
        Remembered device = remembered();
        String challenge = challenge(device.user().userId());

        APIGatewayV2HTTPResponse refused =
                verifyDevice(device.user().userId(), deviceBody(device.id(), challenge, sign(browserKey(), challenge)));

        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(Api.problemType(refused)).isEqualTo(INVALID_CODE);
        assertThat(failures(item(device.user().userId(), "ACCOUNT"))).isEqualTo(1);
    }

    @Test
    void aDatabaseDump_holdsNothingThatSignsIn() throws Exception {
        Remembered device = remembered();
        String slot = "DEVICE#" + device.id().substring(0, 2);
        Map<String, AttributeValue> dumped = item(device.user().userId(), slot);
        // The dump has the id and the public key; the private key never left the "browser".
        assertThat(dumped.keySet())
                .containsExactlyInAnyOrder("pk", "sk", "deviceId", "publicKey", "name", "createdAt", "expiresAt");
        byte[] publicKey = dumped.get("publicKey").b().asByteArray();
        assertThat(publicKey).isEqualTo(device.key().getPublic().getEncoded());
        String challenge = challenge(device.user().userId());
        String dumpedId = dumped.get("deviceId").s();

        // What an attacker can make of it: their own key's signature, or the key bytes themselves.
        for (String signature : List.of(
                sign(browserKey(), challenge),
                B64.encodeToString(java.util.Arrays.copyOf(publicKey, 64)),
                B64.encodeToString(new byte[64]))) {
            APIGatewayV2HTTPResponse refused =
                    verifyDevice(device.user().userId(), deviceBody(dumpedId, challenge, signature));
            assertThat(refused.getStatusCode()).as(signature).isEqualTo(400);
        }
        // Nor can the copied public key be remembered for the attacker's own account and used there.
        Enrollment.Enrolled attacker = Enrollment.enroll(app, "attacker-" + UUID.randomUUID());
        APIGatewayV2HTTPResponse copied = app.deviceRegister()
                .handleRequest(
                        Api.request(
                                "POST /2fa/devices",
                                attacker.userId(),
                                Api.json(Map.of(
                                        "publicKey", B64.encodeToString(publicKey), "assertion", signIn(attacker)))),
                        null);
        assertThat(copied.getStatusCode()).isEqualTo(200);
        String attackersChallenge = challenge(attacker.userId());
        String copiedId = (String) Api.body(copied).get("id");
        assertThat(verifyDevice(
                                attacker.userId(),
                                deviceBody(copiedId, attackersChallenge, sign(browserKey(), attackersChallenge)))
                        .getStatusCode())
                .isEqualTo(400);
    }

    @Test
    void registering_needsTheAssertionOfASecondFactorJustPassed_theIdentityProviderTokenAloneNeverDoes()
            throws Exception {
        Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());
        Enrollment.Enrolled other = Enrollment.enroll(app, "other-" + UUID.randomUUID());
        KeyPair key = browserKey();

        // The IdP token only (password phished): no proof at all.
        APIGatewayV2HTTPResponse none = register(user.userId(), key, null);
        assertThat(none.getStatusCode()).isEqualTo(403);
        assertThat(Api.problemType(none)).isEqualTo("urn:twofa:problem:step-up-required");
        assertThat(Api.body(none).get("acceptedProofs")).isEqualTo(List.of("assertion"));

        // A code instead of the assertion is not the proof this route takes.
        APIGatewayV2HTTPResponse code = app.deviceRegister()
                .handleRequest(
                        Api.request(
                                "POST /2fa/devices",
                                user.userId(),
                                Api.json(Map.of(
                                        "publicKey",
                                        B64.encodeToString(key.getPublic().getEncoded()),
                                        "code",
                                        IndependentTotp.codeAt(user.secret(), app.clock.instant())))),
                        null);
        assertThat(code.getStatusCode()).isEqualTo(400);

        // Another user's fresh assertion.
        assertThat(register(user.userId(), key, signIn(other)).getStatusCode()).isEqualTo(400);

        // A stale one: more than 5 minutes old.
        String stale = signIn(user);
        app.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThat(register(user.userId(), key, stale).getStatusCode()).isEqualTo(400);

        // A fresh one registers once; spent, it cannot register a second device.
        String fresh = signIn(user);
        assertThat(register(user.userId(), key, fresh).getStatusCode()).isEqualTo(200);
        assertThat(register(user.userId(), browserKey(), fresh).getStatusCode()).isEqualTo(400);

        // A remembered device's own sign-in is no proof: a device cannot remember more devices...
        String challenge = challenge(user.userId());
        String id = (String) devices(user.userId()).getFirst().get("id");
        APIGatewayV2HTTPResponse deviceSignIn =
                verifyDevice(user.userId(), deviceBody(id, challenge, sign(key, challenge)));
        assertThat(deviceSignIn.getStatusCode()).isEqualTo(200);
        String deviceAssertion = (String) Api.body(deviceSignIn).get("assertion");
        assertThat(register(user.userId(), browserKey(), deviceAssertion).getStatusCode())
                .isEqualTo(400);
        // ...nor change a factor.
        APIGatewayV2HTTPResponse disable = Enrollment.disable(app, user.userId(), "assertion", deviceAssertion);
        assertThat(disable.getStatusCode()).isEqualTo(400);
        assertThat(devices(user.userId())).hasSize(1);
    }

    @Test
    void aRevokedDevice_andAnExpiredOne_areRefused() throws Exception {
        Remembered revoked = remembered();
        APIGatewayV2HTTPResponse revoke = app.deviceRevoke()
                .handleRequest(
                        Api.request(
                                "POST /2fa/devices/revoke",
                                revoked.user().userId(),
                                Api.json(Map.of("id", revoked.id()))),
                        null);
        assertThat(revoke.getStatusCode()).as(revoke.getBody()).isEqualTo(200);
        assertThat(signInWithDevice(revoked).getStatusCode()).isEqualTo(400);
        assertThat(devices(revoked.user().userId())).isEmpty();
        // The same browser remembered again takes the freed slot under a new random id: the forgotten
        // id never names a usable device again.
        APIGatewayV2HTTPResponse again = register(revoked.user().userId(), revoked.key(), signIn(revoked.user()));
        assertThat(again.getStatusCode()).as(again.getBody()).isEqualTo(200);
        assertThat((String) Api.body(again).get("id")).isNotEqualTo(revoked.id());
        assertThat(app.events.namesFor(revoked.user().userId()))
                .containsSubsequence("device_registered", "device_revoked", "device_registered");

        Remembered expiring = remembered();
        assertThat(signInWithDevice(expiring).getStatusCode()).isEqualTo(200);
        app.clock.advance(Duration.ofDays(30).plusSeconds(1));
        assertThat(signInWithDevice(expiring).getStatusCode()).isEqualTo(400);
        assertThat(devices(expiring.user().userId())).isEmpty();
    }

    @Test
    void forgetAll_turningEveryFactorOff_andASupportReset_revokeEveryDevice() throws Exception {
        Remembered forgotten = remembered();
        APIGatewayV2HTTPResponse all = app.deviceRevoke()
                .handleRequest(
                        Api.request(
                                "POST /2fa/devices/revoke", forgotten.user().userId(), Api.json(Map.of("all", true))),
                        null);
        assertThat(all.getStatusCode()).as(all.getBody()).isEqualTo(200);
        assertThat(Api.body(all)).containsEntry("revoked", 1);
        assertThat(signInWithDevice(forgotten).getStatusCode()).isEqualTo(400);
        assertThat(app.events.namesFor(forgotten.user().userId())).containsOnlyOnce("devices_revoked");
        // Forget all again: nothing left to forget, so nothing is recorded or published.
        APIGatewayV2HTTPResponse nothingLeft = app.deviceRevoke()
                .handleRequest(
                        Api.request(
                                "POST /2fa/devices/revoke", forgotten.user().userId(), Api.json(Map.of("all", true))),
                        null);
        assertThat(nothingLeft.getStatusCode()).as(nothingLeft.getBody()).isEqualTo(200);
        assertThat(Api.body(nothingLeft)).containsEntry("revoked", 0);
        assertThat(app.events.namesFor(forgotten.user().userId())).containsOnlyOnce("devices_revoked");

        // Every factor off, then on again: the device remembered before stays revoked.
        Remembered disabled = remembered();
        String proof = signIn(disabled.user());
        assertThat(Enrollment.disable(app, disabled.user().userId(), "assertion", proof)
                        .getStatusCode())
                .isEqualTo(200);
        assertThat(devices(disabled.user().userId())).isEmpty();
        app.clock.advance(Duration.ofSeconds(30));
        Enrollment.Enrolled again = Enrollment.enroll(app, disabled.user().userId());
        assertThat(again.userId()).isEqualTo(disabled.user().userId());
        APIGatewayV2HTTPResponse afterReEnable = signInWithDevice(disabled);
        assertThat(afterReEnable.getStatusCode()).isEqualTo(400);
        assertThat(devices(disabled.user().userId())).isEmpty();

        // Support's reset turns every factor off: the same.
        Remembered reset = remembered();
        APIGatewayV2HTTPResponse support = app.supportReset()
                .handleRequest(
                        Api.operatorRequest(
                                "POST /operator/support-reset",
                                Api.supportSession("alice"),
                                Api.json(Map.of(
                                        "userId", reset.user().userId(), "reason", "lost phone", "ticketId", "T-1"))),
                        null);
        assertThat(support.getStatusCode()).as(support.getBody()).isEqualTo(200);
        assertThat(signInWithDevice(reset).getStatusCode()).isEqualTo(409);
        assertThat(devices(reset.user().userId())).isEmpty();
    }

    @Test
    void oneChallenge_usedInParallel_signsInOnce() throws Exception {
        Remembered device = remembered();
        String challenge = challenge(device.user().userId());
        String body = deviceBody(device.id(), challenge, sign(device.key(), challenge));

        List<Integer> statuses = Race.statuses(
                10,
                app::verifyLogin,
                () -> Api.request("POST /2fa/verify", device.user().userId(), body));

        assertThat(Collections.frequency(statuses, 200)).as(statuses.toString()).isEqualTo(1);
        assertThat(statuses).allMatch(s -> s == 200 || s == 400 || s == 429);
    }

    @Test
    void theLockoutApplies_wrongSignaturesStartTheWait_andThenEvenTheRightOneWaits() throws Exception {
        Remembered device = remembered();
        for (int i = 0; i < 5; i++) {
            String challenge = challenge(device.user().userId());
            assertThat(verifyDevice(
                                    device.user().userId(),
                                    deviceBody(device.id(), challenge, sign(browserKey(), challenge)))
                            .getStatusCode())
                    .isEqualTo(400);
        }

        APIGatewayV2HTTPResponse waiting = signInWithDevice(device);

        assertThat(waiting.getStatusCode()).isEqualTo(429);
        assertThat(waiting.getHeaders()).containsKey("Retry-After");
        assertThat(failures(item(device.user().userId(), "ACCOUNT"))).isEqualTo(5);
    }

    @Test
    void atMostTwentyDevices_perUser() throws Exception {
        Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());
        for (int i = 0; i < 20; i++) {
            APIGatewayV2HTTPResponse registered = register(user.userId(), browserKey(), signIn(user));
            assertThat(registered.getStatusCode()).as(registered.getBody()).isEqualTo(200);
        }

        APIGatewayV2HTTPResponse refused = register(user.userId(), browserKey(), signIn(user));

        assertThat(refused.getStatusCode()).isEqualTo(409);
        assertThat(devices(user.userId())).hasSize(20);

        // A forgotten device frees its slot for the next one.
        String forgotten = (String) devices(user.userId()).get(7).get("id");
        assertThat(app.deviceRevoke()
                        .handleRequest(
                                Api.request(
                                        "POST /2fa/devices/revoke", user.userId(), Api.json(Map.of("id", forgotten))),
                                null)
                        .getStatusCode())
                .isEqualTo(200);
        APIGatewayV2HTTPResponse fits = register(user.userId(), browserKey(), signIn(user));
        assertThat(fits.getStatusCode()).as(fits.getBody()).isEqualTo(200);
        assertThat(devices(user.userId())).hasSize(20).noneMatch(d -> forgotten.equals(d.get("id")));
    }

    @Test
    void aCodeOrARecoveryCode_isNoProofForRemembering_evenHandedStraightToTheUseCase() throws Exception {
        // The route takes only {"publicKey","assertion"}; the use case refuses any other proof on its own,
        // so a future route that passed a code through could not remember a device with it.
        Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());
        app.clock.advance(Duration.ofSeconds(30));
        String code = IndependentTotp.codeAt(user.secret(), app.clock.instant());
        Principal principal = new Principal(user.userId(), Api.emailOf(user.userId()));
        byte[] publicKey = browserKey().getPublic().getEncoded();
        for (Credential proof : List.<Credential>of(
                new Credential.TotpCode(code),
                new Credential.RecoveryCode(user.recoveryCodes().getFirst()))) {
            assertThatThrownBy(() -> app.wiring().registerDevice().register(principal, Optional.of(proof), publicKey))
                    .isInstanceOfSatisfying(StepUpRequired.class, e -> assertThat(e.acceptedProofs())
                            .containsExactly("assertion"));
        }
        assertThat(devices(user.userId())).isEmpty();
        // Nothing was spent: the code still signs in.
        assertThat(Enrollment.verify(app, user.userId(), "code", code).getStatusCode())
                .isEqualTo(200);
    }

    @Test
    void twoBrowsersRememberedAtOnce_takeOneSlotEach_orTheLoserIsTold_andKeepsItsProof() throws Exception {
        Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());
        String first = signIn(user);
        String second = signIn(user);
        // The second registration lands between the first one's reads (slot 0 free) and its commit.
        KeyPair otherBrowser = browserKey();
        WireRace race = WireRace.beforeCommit(app, () -> assertThat(
                        register(user.userId(), otherBrowser, second).getStatusCode())
                .isEqualTo(200));
        Map<String, Object> body = new HashMap<>();
        body.put("publicKey", B64.encodeToString(browserKey().getPublic().getEncoded()));
        body.put("assertion", first);

        APIGatewayV2HTTPResponse lost = new DeviceRegisterHandler(race.held().registerDevice())
                .handleRequest(Api.request("POST /2fa/devices", user.userId(), Api.json(body)), null);

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(409);
        assertThat(Api.problemType(lost)).isEqualTo("urn:twofa:problem:wrong-state");
        assertThat(Api.body(lost).get("detail").toString()).contains("at the same time");
        assertThat(devices(user.userId())).hasSize(1);
        // Its assertion was not spent: the retry remembers the browser in the next slot.
        body.put("publicKey", B64.encodeToString(browserKey().getPublic().getEncoded()));
        APIGatewayV2HTTPResponse retried = app.deviceRegister()
                .handleRequest(Api.request("POST /2fa/devices", user.userId(), Api.json(body)), null);
        assertThat(retried.getStatusCode()).as(retried.getBody()).isEqualTo(200);
        assertThat(devices(user.userId())).hasSize(2);
    }

    @Test
    void aBrowserRemembered_whileEveryFactorWasTurnedOff_isRefused_andNothingIsRemembered() throws Exception {
        Enrollment.Enrolled user = Enrollment.enroll(app, "user-" + UUID.randomUUID());
        String proof = signIn(user);
        String offProof = signIn(user);
        WireRace race = WireRace.beforeCommit(
                app, () -> assertThat(Enrollment.disable(app, user.userId(), "assertion", offProof)
                                .getStatusCode())
                        .isEqualTo(200));

        APIGatewayV2HTTPResponse lost = new DeviceRegisterHandler(race.held().registerDevice())
                .handleRequest(
                        Api.request(
                                "POST /2fa/devices",
                                user.userId(),
                                Api.json(Map.of(
                                        "publicKey",
                                        B64.encodeToString(
                                                browserKey().getPublic().getEncoded()),
                                        "assertion",
                                        proof))),
                        null);

        assertThat(race.fired()).isTrue();
        assertThat(lost.getStatusCode()).as(lost.getBody()).isEqualTo(409);
        assertThat(Api.body(lost).get("detail").toString()).containsIgnoringCase("no second factor is on");
        assertThat(devices(user.userId())).isEmpty();
    }

    @Test
    void malformedDeviceProofs_areInvalidRequests_checkedBeforeAnythingIsReadOrCounted() throws Exception {
        Remembered device = remembered();
        String challenge = challenge(device.user().userId());
        String signature = sign(device.key(), challenge);
        List<String> bodies = List.of(
                Api.json(Map.of("device", "not an object")),
                Api.json(Map.of("device", Map.of("id", device.id(), "challenge", challenge))),
                Api.json(Map.of(
                        "device",
                        Map.of("id", device.id(), "challenge", challenge, "signature", signature, "extra", "x"))),
                deviceBody("20" + device.id().substring(2), challenge, signature),
                deviceBody(device.id(), challenge + "A", signature),
                deviceBody(device.id(), challenge, signature.substring(1)),
                // A device and a code at once: one proof per sign-in step.
                Api.json(Map.of(
                        "code",
                        "123456",
                        "device",
                        Map.of("id", device.id(), "challenge", challenge, "signature", signature))));
        for (String body : bodies) {
            APIGatewayV2HTTPResponse refused = verifyDevice(device.user().userId(), body);
            assertThat(refused.getStatusCode()).as(body).isEqualTo(400);
            assertThat(Api.problemType(refused)).as(body).isEqualTo("urn:twofa:problem:invalid-request");
        }
        assertThat(failures(item(device.user().userId(), "ACCOUNT"))).isZero();
        // The challenge was never touched: the well-formed proof still signs in.
        assertThat(verifyDevice(device.user().userId(), deviceBody(device.id(), challenge, signature))
                        .getStatusCode())
                .isEqualTo(200);
    }
}
