package dev.twofa.functions.smssend;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.SmsSend;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/**
 * POST /2fa/sms/send {"purpose":"enable","phoneNumber"} or {"purpose":"login"|"disable"}: texts a
 * new 6-digit code. 202 with the masked number, never the number itself.
 */
public final class SmsSendHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final SmsSend smsSend;

    public SmsSendHandler() {
        this(Wiring.fromEnvironment().smsSend());
    }

    public SmsSendHandler(SmsSend smsSend) {
        this.smsSend = smsSend;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields("purpose", "phoneNumber", "code", "recoveryCode", "assertion");
            var sent = smsSend.send(
                    principal, request.smsPurpose(), request.optionalString("phoneNumber", 64), request.proof());
            return ApiResponse.accepted(
                    ApiResponse.object("sentTo", sent.maskedPhone(), "expiresInSeconds", sent.expiresInSeconds()));
        });
    }
}
