package dev.twofa.functions.smsconfirm;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.SmsConfirm;
import dev.twofa.domain.sms.SmsPurpose;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/** POST /2fa/sms/confirm {"purpose","code"}: the code from the SMS enables, signs in or disables. */
public final class SmsConfirmHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final SmsConfirm smsConfirm;

    public SmsConfirmHandler() {
        this(Wiring.fromEnvironment().smsConfirm());
    }

    public SmsConfirmHandler(SmsConfirm smsConfirm) {
        this.smsConfirm = smsConfirm;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields("purpose", "code", "nonce", "recoveryCode", "assertion");
            SmsPurpose purpose = request.smsPurpose();
            // Checked whichever proof follows (docs/openapi.yaml: one format for every purpose).
            var nonce = request.nonce();
            var otherProof = request.otherProof();
            if (purpose == SmsPurpose.DISABLE && otherProof.isPresent()) {
                smsConfirm.disableWithProof(principal, otherProof.get());
                return ApiResponse.ok(ApiResponse.object("sms", ApiResponse.object("enabled", false)));
            }
            var confirmed = smsConfirm.confirm(principal, purpose, request.sixDigitCode("code"), nonce);
            return ApiResponse.ok(
                    switch (purpose) {
                        case ENABLE ->
                            ApiResponse.object(
                                    "sms",
                                    ApiResponse.object(
                                            "enabled",
                                            true,
                                            "phoneNumber",
                                            confirmed.maskedPhone().orElseThrow()));
                        case LOGIN ->
                            ApiResponse.object(
                                    "verified",
                                    true,
                                    "method",
                                    "sms",
                                    "assertion",
                                    confirmed.assertion().orElseThrow());
                        case DISABLE -> ApiResponse.object("sms", ApiResponse.object("enabled", false));
                    });
        });
    }
}
