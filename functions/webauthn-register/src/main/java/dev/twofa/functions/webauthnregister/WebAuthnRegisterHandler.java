package dev.twofa.functions.webauthnregister;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.RegisterWebAuthn;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.http.WebAuthnJson;
import dev.twofa.wiring.Wiring;

/**
 * POST /2fa/webauthn/register {"credential": RegistrationResponseJSON, "name"}: verifies the
 * browser's answer to the registration options and stores the security key or passkey.
 */
public final class WebAuthnRegisterHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final RegisterWebAuthn useCase;

    public WebAuthnRegisterHandler() {
        this(Wiring.fromEnvironment().registerWebAuthn());
    }

    public WebAuthnRegisterHandler(RegisterWebAuthn useCase) {
        this.useCase = useCase;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields("credential", "name");
            var credential = request.optionalObject("credential")
                    .orElseThrow(() -> new InvalidRequest("credential", "The field \"credential\" is required."));
            var input = WebAuthnJson.registration(credential, "credential");
            var registered = useCase.register(
                    principal, input.credentialId(), input.registration(), request.optionalString("name", 256));
            return ApiResponse.ok(WebAuthnJson.credentialView(registered));
        });
    }
}
