package dev.twofa.functions.orgpolicy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.twofa.app.OrgPolicyChange;
import dev.twofa.http.OperatorInvocation;
import dev.twofa.wiring.Wiring;
import java.util.Map;

/**
 * Organisation policy, invoked by operators with IAM only: {"orgId","mfaRequired":true|false,
 * "reason"?}. Answers the stored policy.
 */
public final class OrgPolicyHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final OrgPolicyChange change;

    public OrgPolicyHandler() {
        this(Wiring.fromEnvironment().orgPolicyChange());
    }

    public OrgPolicyHandler(OrgPolicyChange change) {
        this.change = change;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return OperatorInvocation.run(input, context, (request, operator) -> {
            var policy = change.set(
                    request.string("orgId"), request.bool("mfaRequired"), request.optionalString("reason"), operator);
            return Map.of(
                    "orgId", policy.orgId(),
                    "mfaRequired", policy.mfaRequired(),
                    "updatedAt", policy.updatedAt().toString(),
                    "updatedBy", policy.updatedBy());
        });
    }
}
