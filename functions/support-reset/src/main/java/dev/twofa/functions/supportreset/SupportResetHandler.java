package dev.twofa.functions.supportreset;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.SupportReset;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;
import java.util.Map;

/**
 * POST /operator/support-reset {"userId","reason","ticketId"}, behind the AWS_IAM authorizer only:
 * the operator is the SigV4 caller API Gateway verified, recorded by ARN. Answers {"status":"reset",
 * "userId"}; 401 without a verified IAM caller, 409 for a user with no two-factor state.
 */
public final class SupportResetHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final SupportReset supportReset;

    public SupportResetHandler() {
        this(Wiring.fromEnvironment().supportReset());
    }

    public SupportResetHandler(SupportReset supportReset) {
        this.supportReset = supportReset;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            // Who asks first: without a verified IAM caller the body is not even read.
            var operator = request.operator();
            request.fields("userId", "reason", "ticketId");
            var reset = new SupportReset.Request(
                    request.requiredString("userId", SupportReset.MAX_TEXT),
                    request.requiredString("reason", SupportReset.MAX_TEXT),
                    request.requiredString("ticketId", SupportReset.MAX_TEXT));
            supportReset.reset(reset, operator);
            return ApiResponse.ok(Map.of("status", "reset", "userId", reset.userId()));
        });
    }
}
