package dev.twofa.functions.verifylogin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.VerifyLogin;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.http.WebAuthnJson;
import dev.twofa.wiring.Wiring;

/**
 * POST /2fa/verify {"code"}, {"recoveryCode"}, {"device"} (a remembered device's signed
 * challenge) or {"webauthn"} (a security key's or passkey's AuthenticationResponseJSON): the sign-in
 * step after the password. Answers a
 * signed assertion (ES256 JWT) the app's backend can verify against /.well-known/jwks.json.
 */
public final class VerifyLoginHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final VerifyLogin verifyLogin;

    public VerifyLoginHandler() {
        this(Wiring.fromEnvironment().verifyLogin());
    }

    public VerifyLoginHandler(VerifyLogin verifyLogin) {
        this.verifyLogin = verifyLogin;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields("code", "recoveryCode", "nonce", "device", "webauthn");
            var webauthn = request.optionalObject("webauthn");
            if (webauthn.isPresent()) {
                if (request.optionalString("code", 16).isPresent()
                        || request.optionalString("recoveryCode", 32).isPresent()
                        || request.deviceProof().isPresent()) {
                    throw new InvalidRequest(
                            "webauthn", "Send \"webauthn\", \"device\", \"code\" or \"recoveryCode\", only one.");
                }
                var verified = verifyLogin.verifyWebAuthn(
                        principal, WebAuthnJson.authentication(webauthn.get(), "webauthn"), request.nonce());
                return ApiResponse.ok(ApiResponse.object(
                        "verified", true, "method", verified.method().apiName(), "assertion", verified.assertion()));
            }
            var device = request.deviceProof();
            if (device.isPresent()
                    && request.optionalString("code", 16).isEmpty()
                    && request.optionalString("recoveryCode", 32).isEmpty()) {
                var verified = verifyLogin.verifyDevice(principal, device.get(), request.nonce());
                return ApiResponse.ok(ApiResponse.object(
                        "verified", true, "method", verified.method().apiName(), "assertion", verified.assertion()));
            }
            if (device.isPresent()) {
                throw new InvalidRequest("device", "Send \"device\", \"code\" or \"recoveryCode\", only one.");
            }
            var verified = verifyLogin.verify(principal, request.credential(), request.nonce());
            return ApiResponse.ok(ApiResponse.object(
                    "verified", true, "method", verified.method().apiName(), "assertion", verified.assertion()));
        });
    }
}
