package dev.twofa.functions.devicechallenge;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.DeviceChallenges;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/**
 * POST /2fa/devices/challenge: a fresh single-use challenge for a remembered device to sign at
 * sign-in (POST /2fa/verify {"device"}); it replaces the last one and expires in 2 minutes.
 */
public final class DeviceChallengeHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final DeviceChallenges challenges;

    public DeviceChallengeHandler() {
        this(Wiring.fromEnvironment().deviceChallenges());
    }

    public DeviceChallengeHandler(DeviceChallenges challenges) {
        this.challenges = challenges;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var challenge = challenges.issue(request.principal());
            return ApiResponse.ok(ApiResponse.object(
                    "challenge",
                    challenge.value(),
                    "expiresAt",
                    challenge.expiresAt().toString()));
        });
    }
}
