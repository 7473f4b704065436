package dev.twofa.functions.supportreset;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.twofa.app.SupportReset;
import dev.twofa.http.OperatorInvocation;
import dev.twofa.wiring.Wiring;
import java.util.Map;

/**
 * Support reset, invoked by operators with IAM only (no API route): {"userId","reason","ticketId"},
 * all required. Answers {"status":"reset","userId"}; a bad input or unknown user fails the
 * invocation with a message saying why.
 */
public final class SupportResetHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final SupportReset supportReset;

    public SupportResetHandler() {
        this(Wiring.fromEnvironment().supportReset());
    }

    public SupportResetHandler(SupportReset supportReset) {
        this.supportReset = supportReset;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return OperatorInvocation.run(input, context, (request, operator) -> {
            var reset = new SupportReset.Request(
                    request.string("userId"), request.string("reason"), request.string("ticketId"));
            supportReset.reset(reset, operator);
            return Map.of("status", "reset", "userId", reset.userId());
        });
    }
}
