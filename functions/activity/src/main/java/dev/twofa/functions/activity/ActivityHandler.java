package dev.twofa.functions.activity;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.Activity;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/** GET /2fa/activity?limit=&cursor=: the caller's recent security events, newest first. */
public final class ActivityHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Activity activity;

    public ActivityHandler() {
        this(Wiring.fromEnvironment().activity());
    }

    public ActivityHandler(Activity activity) {
        this.activity = activity;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            var page = activity.page(
                    principal, request.queryInt("limit", Activity.DEFAULT_PAGE), request.query("cursor", 128));
            var events = page.lines().stream()
                    .map(line -> ApiResponse.object(
                            "event", line.event().type(),
                            "method", line.event().method(),
                            "during", line.during().orElse(null),
                            "at", line.event().at().toString(),
                            "sourceIp", line.event().sourceIp(),
                            "userAgent", line.event().userAgent(),
                            "browser", line.userAgent().browser().orElse(null),
                            "os", line.userAgent().os().orElse(null)))
                    .toList();
            return ApiResponse.ok(
                    ApiResponse.object("events", events, "next", page.next().orElse(null)));
        });
    }
}
