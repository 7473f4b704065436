package dev.twofa.functions.activatelink;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.ActivateLink;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/**
 * POST /2fa/totp/activate {"token"}: the link from the email was opened. Answers the secret, the
 * otpauth URI and its QR code, which this step alone ever shows.
 */
public final class ActivateLinkHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final ActivateLink activateLink;

    public ActivateLinkHandler() {
        this(Wiring.fromEnvironment().activateLink());
    }

    public ActivateLinkHandler(ActivateLink activateLink) {
        this.activateLink = activateLink;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields("token");
            var activation = activateLink.activate(principal, request.requiredString("token", 128));
            return ApiResponse.ok(ApiResponse.object(
                    "secret", activation.secret(),
                    "otpauthUri", activation.otpauthUri(),
                    "qrCodePng", activation.qrCodePng()));
        });
    }
}
