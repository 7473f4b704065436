package dev.twofa.it.webauthn;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.it.support.Api;
import dev.twofa.it.support.TestApp;
import dev.twofa.testing.SoftwareAuthenticator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * The exact condition of every conditional write of the WebAuthn factor, as sent on the wire.
 * Literal strings on purpose: a changed condition must be a visible decision.
 */
class WebAuthnConditionExpressionsIT {
    private final TestApp app = new TestApp();
    private final String user = "user-" + UUID.randomUUID();
    private final SoftwareAuthenticator key = new SoftwareAuthenticator("app.twofa.test", TestApp.APP_BASE_URL);

    private List<String> transactionConditions() {
        return app.dynamoRequests.requestsOf(TransactWriteItemsRequest.class).stream()
                .flatMap(t -> t.transactItems().stream())
                .map(WebAuthnConditionExpressionsIT::condition)
                .toList();
    }

    private static String condition(TransactWriteItem item) {
        if (item.put() != null) return "put " + item.put().conditionExpression();
        if (item.update() != null) return "update " + item.update().conditionExpression();
        if (item.delete() != null) return "delete " + item.delete().conditionExpression();
        return "check " + item.conditionCheck().conditionExpression();
    }

    private String challenge(String route, String body) {
        APIGatewayV2HTTPResponse options = (route.contains("register")
                        ? app.webauthnRegisterOptions()
                        : app.webauthnAuthenticateOptions())
                .handleRequest(Api.request(route, user, body), null);
        assertThat(options.getStatusCode()).as(options.getBody()).isEqualTo(200);
        return (String) Api.body(options).get("challenge");
    }

    private void register(String proofAssertion) {
        String challenge = challenge(
                "POST /2fa/webauthn/register/options",
                proofAssertion == null ? null : Api.json(Map.of("assertion", proofAssertion)));
        APIGatewayV2HTTPResponse registered = app.webauthnRegister()
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/register",
                                user,
                                Api.json(Map.of("credential", key.register(challenge)))),
                        null);
        assertThat(registered.getStatusCode()).as(registered.getBody()).isEqualTo(200);
    }

    private String signIn() {
        String challenge = challenge("POST /2fa/webauthn/authenticate/options", null);
        APIGatewayV2HTTPResponse verified = app.verifyLogin()
                .handleRequest(
                        Api.request(
                                "POST /2fa/verify",
                                user,
                                Api.json(Map.of("webauthn", key.authenticate(challenge, null)))),
                        null);
        assertThat(verified.getStatusCode()).as(verified.getBody()).isEqualTo(200);
        return (String) Api.body(verified).get("assertion");
    }

    @Test
    void theFirstRegistration_spendsItsChallengeOnce_takesAFreeSlot_andHoldsOnlyWhileNoFactorIsOn() {
        app.dynamoRequests.clear();
        register(null);

        // The options' challenge replaces the last one: an unconditional put.
        assertThat(app.dynamoRequests.requestsOf(PutItemRequest.class))
                .extracting(PutItemRequest::conditionExpression)
                .containsOnlyNulls();
        assertThat(transactionConditions())
                .containsExactly(
                        // Single use, unexpired: of two answers to one challenge, one deletes it.
                        "delete challenge = :challenge AND expiresAt >= :now",
                        // One item per slot: the limit of 10 is a conditional put, never a count.
                        "put attribute_not_exists(pk)",
                        // The first key turns the factor on; options asked for without step-up register
                        // only while the account still has no factor at all.
                        "update (attribute_not_exists(webauthnEnabledAt)) AND (attribute_not_exists(totpEnabledAt))"
                                + " AND (attribute_not_exists(smsEnabledAt)) AND (attribute_not_exists(webauthnEnabledAt))",
                        // Its webauthn_registered audit item, in the same transaction.
                        "put attribute_not_exists(pk)");
    }

    @Test
    void aSecondRegistration_spendsTheStepUpWithItsOptions_andMovesTheCountFromTheOneRead() {
        register(null);
        String assertion = signIn();
        app.dynamoRequests.clear();
        key.signCount(0);
        SoftwareAuthenticator second = new SoftwareAuthenticator("app.twofa.test", TestApp.APP_BASE_URL);
        String challenge = challenge("POST /2fa/webauthn/register/options", Api.json(Map.of("assertion", assertion)));
        List<String> options = transactionConditions();
        app.dynamoRequests.clear();
        APIGatewayV2HTTPResponse registered = app.webauthnRegister()
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/register",
                                user,
                                Api.json(Map.of("credential", second.register(challenge)))),
                        null);
        assertThat(registered.getStatusCode()).as(registered.getBody()).isEqualTo(200);

        assertThat(options)
                .containsExactly(
                        // The assertion's proof conditions on the account item: no failure since its read.
                        "update (attribute_not_exists(failures) OR failures <= :seen)",
                        // The assertion is spent once (its jti).
                        "put attribute_not_exists(pk) OR expiresAt < :now",
                        // The stepped-up challenge replaces the last one.
                        "put null");
        assertThat(transactionConditions())
                .containsExactly(
                        "delete challenge = :challenge AND expiresAt >= :now",
                        "put attribute_not_exists(pk)",
                        // Optimistic lock on the count: a parallel registration or removal loses.
                        "update ((attribute_exists(webauthnEnabledAt)) AND (webauthnCount = :seenCount))",
                        "put attribute_not_exists(pk)");
    }

    @Test
    void aSignIn_spendsTheChallenge_movesTheCounterFromTheValueRead_andResetsFailuresOnlyWithoutNewOnes() {
        register(null);
        app.dynamoRequests.clear();
        signIn();

        assertThat(transactionConditions())
                .containsExactly(
                        "delete challenge = :challenge AND expiresAt >= :now",
                        // A clone racing the original loses: the counter moves only from the value read.
                        "update credentialId = :cid AND signCount = :count",
                        "update (attribute_exists(webauthnEnabledAt)) AND (attribute_not_exists(failures) OR failures <= :seen)",
                        // Its verify_succeeded audit item, in the same transaction.
                        "put attribute_not_exists(pk)");
    }

    @Test
    void renameAndRemove_actOnTheSameKeyOnly_andRemovalSpendsItsProof() {
        register(null);
        app.dynamoRequests.clear();
        assertThat(app.webauthnRename()
                        .handleRequest(
                                Api.request(
                                        "POST /2fa/webauthn/credentials/rename",
                                        user,
                                        Api.json(Map.of("id", key.credentialId(), "name", "Blue key"))),
                                null)
                        .getStatusCode())
                .isEqualTo(200);
        assertThat(transactionConditions())
                .containsExactly("update credentialId = :cid", "put attribute_not_exists(pk)");

        String assertion = signIn();
        app.dynamoRequests.clear();
        APIGatewayV2HTTPResponse removed = app.webauthnRemove()
                .handleRequest(
                        Api.request(
                                "POST /2fa/webauthn/credentials/remove",
                                user,
                                Api.json(Map.of("id", key.credentialId(), "assertion", assertion))),
                        null);
        assertThat(removed.getStatusCode()).as(removed.getBody()).isEqualTo(200);
        assertThat(transactionConditions())
                .containsExactly(
                        // The last key: the factor goes with it, under the count read and the proof's conditions.
                        "update (attribute_exists(webauthnEnabledAt)) AND (webauthnCount = :seenCount)"
                                + " AND (attribute_not_exists(failures) OR failures <= :seen)",
                        "put attribute_not_exists(pk) OR expiresAt < :now",
                        "delete credentialId = :cid",
                        // Its webauthn_removed audit item.
                        "put attribute_not_exists(pk)");
    }
}
