package dev.twofa.http;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import dev.twofa.app.SecurityEvents;
import java.util.LinkedHashMap;
import java.util.Map;

/** Security events as one JSON object per line in the function's log (CloudWatch Logs Insights-friendly). */
public final class LambdaSecurityLog implements SecurityEvents {

    @Override
    public void record(String event, String userId, Map<String, String> details) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("securityEvent", event);
        line.put("userId", userId);
        line.putAll(details);
        Log.log(LogLevel.INFO, Json.write(line));
    }
}
