package dev.twofa.http;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.SecurityEvents;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Security events as one JSON object per line in the function's log (CloudWatch Logs Insights-friendly),
 * each followed by the count it makes, if any, as an embedded-metric-format line ({@link SecurityMetrics}).
 */
public final class LambdaSecurityLog implements SecurityEvents {

    @Override
    public void record(SecurityEvent event) {
        Log.log(LogLevel.INFO, Json.write(asLogLine(event)));
        SecurityMetrics.record(event);
    }

    /** The log has no audit item to skip: the line is the same. */
    @Override
    public void committed(SecurityEvent event) {
        record(event);
    }

    /** The JSON object logged for an event: flat, so CloudWatch Logs Insights can filter on each field. */
    public static Map<String, Object> asLogLine(SecurityEvent event) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("securityEvent", event.type());
        line.put("userId", event.userId());
        if (event.method() != null) {
            line.put("method", event.method());
        }
        line.put("at", event.at().toString());
        if (event.sourceIp() != null) {
            line.put("sourceIp", event.sourceIp());
        }
        if (event.userAgent() != null) {
            line.put("userAgent", event.userAgent());
        }
        line.putAll(event.details());
        return line;
    }
}
