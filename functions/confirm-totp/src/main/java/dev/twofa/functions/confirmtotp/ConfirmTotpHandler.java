package dev.twofa.functions.confirmtotp;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.ConfirmTotp;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/**
 * POST /2fa/totp/confirm {"code"}: the first code turns 2FA on; answers the recovery codes, once.
 * GET /2fa/totp/pending: the caller's own setup waiting for that code, the same key and QR code
 * again (a reload of the setup page); the one step that already reads and decrypts it.
 */
public final class ConfirmTotpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final ConfirmTotp confirmTotp;

    public ConfirmTotpHandler() {
        this(Wiring.fromEnvironment().confirmTotp());
    }

    public ConfirmTotpHandler(ConfirmTotp confirmTotp) {
        this.confirmTotp = confirmTotp;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        if (isGet(event)) {
            return Http.handle(event, request -> {
                var pending = confirmTotp.pending(request.principal());
                return ApiResponse.ok(ApiResponse.object(
                        "secret", pending.key().secret(),
                        "otpauthUri", pending.key().otpauthUri(),
                        "qrCodePng", pending.key().qrCodePng(),
                        "expiresAt", pending.expiresAt().toString()));
            });
        }
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields("code");
            var codes = confirmTotp.confirm(principal, request.sixDigitCode("code"));
            return ApiResponse.ok(ApiResponse.object("enabled", true, "recoveryCodes", codes));
        });
    }

    private static boolean isGet(APIGatewayV2HTTPEvent event) {
        var context = event == null ? null : event.getRequestContext();
        var http = context == null ? null : context.getHttp();
        return http != null && "GET".equals(http.getMethod());
    }
}
