package dev.twofa.http;

import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import dev.twofa.config.Config;

/**
 * Log lines through the Lambda runtime's logger (which frames each call as one record, JSON when
 * the function's log format is JSON). Outside Lambda that logger prints bare text, so each line
 * gets its own line end there.
 */
public final class Log {
    private static final boolean IN_LAMBDA =
            Config.environment().optional("AWS_LAMBDA_FUNCTION_NAME").isPresent();
    private static final String OWN_CODE = "dev.twofa.";

    private Log() {}

    public static void log(LogLevel level, String message) {
        LambdaRuntime.getLogger().log(IN_LAMBDA ? message : message + System.lineSeparator(), level);
    }

    /**
     * An embedded-metric-format line, straight to standard output: CloudWatch Logs extracts metrics
     * only from a log event that is the EMF object itself, and with {@code LogFormat: JSON} the
     * runtime's logger would put the line, as a string, in a record's {@code message}. In Lambda the
     * runtime interface client passes standard output through unframed, one log event per line.
     */
    static void metrics(String line) {
        System.out.println(line);
    }

    /**
     * A failure and its causes as a stack trace, for operators, with the message of an exception
     * only where this code base wrote it. Other libraries put request data in their messages: SES
     * MessageRejected names email addresses, DynamoDB validation errors quote attribute values, a
     * parser quotes its input. Their class names and frames are kept, their texts never logged.
     */
    static String trace(Throwable failure) {
        StringBuilder out = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            out.append(cause == failure ? "" : "\nCaused by: ").append(describe(cause));
            for (StackTraceElement frame : cause.getStackTrace()) {
                out.append("\n\tat ").append(frame);
            }
        }
        return out.toString();
    }

    /** The class name, and the message when it is this code base's own (never a library's). */
    static String describe(Throwable t) {
        String type = t.getClass().getName();
        return type.startsWith(OWN_CODE) && t.getMessage() != null ? type + ": " + t.getMessage() : type;
    }
}
