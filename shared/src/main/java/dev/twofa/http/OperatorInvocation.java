package dev.twofa.http;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import dev.twofa.app.Operator;
import dev.twofa.app.TwoFactorException.InvalidRequest;
import dev.twofa.app.TwoFactorException.WrongState;
import java.util.Map;
import java.util.Optional;

/**
 * The edge of the operator-only functions (invoked with IAM, never through API Gateway). Their
 * callers are trusted staff, so a refused input fails the invocation with a message saying why.
 *
 * <p>Who invoked: Lambda does not hand the IAM caller to the function. The operator may name
 * themselves in the invocation's client context ({@code {"custom":{"operator":"alice@corp"}}},
 * e.g. {@code aws lambda invoke --client-context}); the Lambda request id is always recorded, and
 * CloudTrail's Invoke data event under that id names the IAM principal for certain.
 */
public final class OperatorInvocation {
    private static final int MAX_IDENTITY = 200;

    private OperatorInvocation() {}

    @FunctionalInterface
    public interface Action {
        Map<String, Object> run(Input input, Operator operator);
    }

    public static Map<String, Object> run(Map<String, Object> input, Context context, Action action) {
        Operator operator = operatorOf(context);
        try {
            return action.run(new Input(input == null ? Map.of() : input), operator);
        } catch (InvalidRequest e) {
            Log.log(LogLevel.WARN, "operator input refused: " + e.field());
            throw new IllegalArgumentException(e.detail());
        } catch (WrongState e) {
            Log.log(LogLevel.WARN, "operator action refused: " + e.detail());
            throw new IllegalStateException(e.detail());
        }
    }

    static Operator operatorOf(Context context) {
        if (context == null) {
            return new Operator("unidentified", "none");
        }
        String identity = Optional.ofNullable(context.getClientContext())
                .map(ClientContext::getCustom)
                .map(custom -> custom.get("operator"))
                .or(() -> Optional.ofNullable(context.getIdentity()).map(CognitoIdentity::getIdentityId))
                .filter(s -> !s.isBlank())
                .map(s -> s.length() > MAX_IDENTITY ? s.substring(0, MAX_IDENTITY) : s)
                .orElse("iam-caller (see CloudTrail Invoke " + context.getAwsRequestId() + ")");
        return new Operator(
                identity, Optional.ofNullable(context.getAwsRequestId()).orElse("none"));
    }

    /** The invocation's JSON object, read defensively. */
    public static final class Input {
        private final Map<String, Object> values;

        Input(Map<String, Object> values) {
            this.values = values;
        }

        public String string(String field) {
            return present(field).orElseThrow(() -> new InvalidRequest(field, field + " is required"));
        }

        /** The value, or null when absent or blank. */
        public String optionalString(String field) {
            return present(field).orElse(null);
        }

        public boolean bool(String field) {
            Object value = values.get(field);
            if (value instanceof Boolean b) {
                return b;
            }
            throw new InvalidRequest(field, field + " must be true or false");
        }

        private Optional<String> present(String field) {
            Object value = values.get(field);
            if (value == null) {
                return Optional.empty();
            }
            if (!(value instanceof String s)) {
                throw new InvalidRequest(field, field + " must be a string");
            }
            return Optional.of(s).filter(v -> !v.isBlank());
        }
    }
}
