package dev.twofa.functions.startenable;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.StartEnable;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/** POST /2fa/totp/enable: "Enable 2FA" clicked; emails the activation link. 202 Accepted. */
public final class StartEnableHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** The step-up proof fields (docs/openapi.yaml StepUpProof), and no other. */
    private static final String[] PROOF = {"code", "recoveryCode", "assertion"};

    private final StartEnable startEnable;

    public StartEnableHandler() {
        this(Wiring.fromEnvironment().startEnable());
    }

    public StartEnableHandler(StartEnable startEnable) {
        this.startEnable = startEnable;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields(PROOF);
            startEnable.start(principal, request.proof());
            return ApiResponse.accepted(ApiResponse.object("status", "activation_email_sent"));
        });
    }
}
