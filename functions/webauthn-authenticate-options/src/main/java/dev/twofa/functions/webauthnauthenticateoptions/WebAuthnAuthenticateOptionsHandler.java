package dev.twofa.functions.webauthnauthenticateoptions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.WebAuthnAuthenticationOptions;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.http.WebAuthnJson;
import dev.twofa.wiring.Wiring;

/**
 * POST /2fa/webauthn/authenticate/options: the PublicKeyCredentialRequestOptionsJSON of the sign-in
 * step, with a fresh single-use challenge and the caller's credentials in allowCredentials.
 */
public final class WebAuthnAuthenticateOptionsHandler
        implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final WebAuthnAuthenticationOptions useCase;

    public WebAuthnAuthenticateOptionsHandler() {
        this(Wiring.fromEnvironment().webauthnAuthenticationOptions());
    }

    public WebAuthnAuthenticateOptionsHandler(WebAuthnAuthenticationOptions useCase) {
        this.useCase = useCase;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            return ApiResponse.ok(WebAuthnJson.requestOptions(useCase.options(principal)));
        });
    }
}
