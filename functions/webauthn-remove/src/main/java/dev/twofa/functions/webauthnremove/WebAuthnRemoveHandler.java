package dev.twofa.functions.webauthnremove;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.RemoveWebAuthn;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/**
 * POST /2fa/webauthn/credentials/remove {"id"} + a step-up proof: removes one security key or
 * passkey (the last one only while another factor stays, when the organisation requires one).
 */
public final class WebAuthnRemoveHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** A credential id is at most 1023 bytes: 1364 characters of base64url. */
    private static final int MAX_ID_CHARS = 1364;

    private final RemoveWebAuthn useCase;

    public WebAuthnRemoveHandler() {
        this(Wiring.fromEnvironment().removeWebAuthn());
    }

    public WebAuthnRemoveHandler(RemoveWebAuthn useCase) {
        this.useCase = useCase;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields("id", "code", "recoveryCode", "assertion");
            useCase.remove(principal, request.requiredString("id", MAX_ID_CHARS), request.proof());
            return ApiResponse.ok(ApiResponse.object("removed", true));
        });
    }
}
