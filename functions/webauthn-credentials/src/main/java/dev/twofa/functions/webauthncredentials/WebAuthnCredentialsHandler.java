package dev.twofa.functions.webauthncredentials;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.ListWebAuthn;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.http.WebAuthnJson;
import dev.twofa.wiring.Wiring;

/** GET /2fa/webauthn/credentials: the caller's security keys and passkeys, newest first. */
public final class WebAuthnCredentialsHandler
        implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final ListWebAuthn useCase;

    public WebAuthnCredentialsHandler() {
        this(Wiring.fromEnvironment().listWebAuthn());
    }

    public WebAuthnCredentialsHandler(ListWebAuthn useCase) {
        this.useCase = useCase;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var credentials = useCase.list(request.principal()).stream()
                    .map(WebAuthnJson::credentialView)
                    .toList();
            return ApiResponse.ok(ApiResponse.object("credentials", credentials));
        });
    }
}
