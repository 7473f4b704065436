package dev.twofa.functions.orgpolicy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.OrgPolicyChange;
import dev.twofa.app.SupportReset;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/**
 * PUT /operator/org-policy {"orgId","mfaRequired":true|false,"reason"?}, behind the AWS_IAM
 * authorizer only: the operator is the SigV4 caller API Gateway verified, recorded by ARN. Answers
 * the stored policy; 401 without a verified IAM caller.
 */
public final class OrgPolicyHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final OrgPolicyChange change;

    public OrgPolicyHandler() {
        this(Wiring.fromEnvironment().orgPolicyChange());
    }

    public OrgPolicyHandler(OrgPolicyChange change) {
        this.change = change;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            // Who asks first: without a verified IAM caller the body is not even read.
            var operator = request.operator();
            request.fields("orgId", "mfaRequired", "reason");
            var policy = change.set(
                    request.requiredString("orgId", SupportReset.MAX_TEXT),
                    request.requiredBoolean("mfaRequired"),
                    request.optionalString("reason", SupportReset.MAX_TEXT)
                            .filter(reason -> !reason.isBlank())
                            .orElse(null),
                    operator);
            return ApiResponse.ok(ApiResponse.object(
                    "orgId", policy.orgId(),
                    "mfaRequired", policy.mfaRequired(),
                    "updatedAt", policy.updatedAt().toString(),
                    "updatedBy", policy.updatedBy()));
        });
    }
}
