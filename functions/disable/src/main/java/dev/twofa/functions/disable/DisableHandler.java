package dev.twofa.functions.disable;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.DisableTotp;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/** POST /2fa/disable {"code"} or {"recoveryCode"}: turns 2FA off after one more second-factor check. */
public final class DisableHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** The step-up proof fields (docs/openapi.yaml StepUpProof), and no other. */
    private static final String[] PROOF = {"code", "recoveryCode", "assertion"};

    private final DisableTotp disableTotp;

    public DisableHandler() {
        this(Wiring.fromEnvironment().disableTotp());
    }

    public DisableHandler(DisableTotp disableTotp) {
        this.disableTotp = disableTotp;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields(PROOF);
            disableTotp.disable(principal, request.proof());
            return ApiResponse.ok(ApiResponse.object("totp", ApiResponse.object("enabled", false)));
        });
    }
}
