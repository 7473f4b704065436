package dev.twofa.functions.status;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.Status;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/** GET /2fa/status: what Settings > Security shows. */
public final class StatusHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Status status;

    public StatusHandler() {
        this(Wiring.fromEnvironment().status());
    }

    public StatusHandler(Status status) {
        this.status = status;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var view = status.of(request.principal());
            return ApiResponse.ok(ApiResponse.object(
                    "totp",
                    ApiResponse.object("enabled", view.totpEnabled(), "pending", view.pendingStage()),
                    "sms",
                    ApiResponse.object("enabled", view.smsEnabled(), "phoneNumber", view.smsMaskedPhone()),
                    "webauthn",
                    ApiResponse.object(
                            "enabled",
                            view.webauthnEnabled(),
                            "credentials",
                            view.webauthnNames().size(),
                            "names",
                            view.webauthnNames()),
                    "recoveryCodesRemaining",
                    view.recoveryCodesRemaining(),
                    "enrollmentRequired",
                    view.enrollmentRequired(),
                    "signIn",
                    ApiResponse.object("locked", view.locked(), "retryAfterSeconds", view.retryAfterSeconds())));
        });
    }
}
