package dev.twofa.functions.regeneraterecoverycodes;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.RegenerateRecoveryCodes;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/** POST /2fa/recovery-codes/regenerate {"code"}: a new set of recovery codes, shown once; the old set dies. */
public final class RegenerateRecoveryCodesHandler
        implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** The step-up proof fields (docs/openapi.yaml StepUpProof), and no other. */
    private static final String[] PROOF = {"code", "recoveryCode", "assertion"};

    private final RegenerateRecoveryCodes regenerate;

    public RegenerateRecoveryCodesHandler() {
        this(Wiring.fromEnvironment().regenerateRecoveryCodes());
    }

    public RegenerateRecoveryCodesHandler(RegenerateRecoveryCodes regenerate) {
        this.regenerate = regenerate;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields(PROOF);
            var codes = regenerate.regenerate(principal, request.proof());
            return ApiResponse.ok(ApiResponse.object("recoveryCodes", codes));
        });
    }
}
