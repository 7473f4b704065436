package dev.twofa.functions.webauthnregisteroptions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.WebAuthnRegistrationOptions;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.http.WebAuthnJson;
import dev.twofa.wiring.Wiring;

/**
 * POST /2fa/webauthn/register/options (+ a step-up proof while another factor is on): the
 * PublicKeyCredentialCreationOptionsJSON of a new security key or passkey, with a fresh single-use
 * challenge.
 */
public final class WebAuthnRegisterOptionsHandler
        implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final WebAuthnRegistrationOptions useCase;

    public WebAuthnRegisterOptionsHandler() {
        this(Wiring.fromEnvironment().webauthnRegistrationOptions());
    }

    public WebAuthnRegisterOptionsHandler(WebAuthnRegistrationOptions useCase) {
        this.useCase = useCase;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields("code", "recoveryCode", "assertion");
            var options = useCase.options(principal, request.proof());
            return ApiResponse.ok(WebAuthnJson.creationOptions(options));
        });
    }
}
