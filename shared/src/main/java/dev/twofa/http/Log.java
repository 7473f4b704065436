package dev.twofa.http;

import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;

/**
 * Log lines through the Lambda runtime's logger (which frames each call as one record, JSON when
 * the function's log format is JSON). Outside Lambda that logger prints bare text, so each line
 * gets its own line end there.
 */
public final class Log {
    private static final boolean IN_LAMBDA = System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null;

    private Log() {}

    public static void log(LogLevel level, String message) {
        LambdaRuntime.getLogger().log(IN_LAMBDA ? message : message + System.lineSeparator(), level);
    }
}
