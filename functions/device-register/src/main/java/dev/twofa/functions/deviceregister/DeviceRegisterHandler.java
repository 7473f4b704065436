package dev.twofa.functions.deviceregister;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.RegisterDevice;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/**
 * POST /2fa/devices {"publicKey", "assertion"}: remembers this browser by the public half of its
 * non-extractable P-256 key, right after a second factor (the assertion it just earned).
 */
public final class DeviceRegisterHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** A P-256 SubjectPublicKeyInfo is 91 bytes: 122 characters of base64url. */
    private static final int MAX_KEY_CHARS = 128;

    private final RegisterDevice registerDevice;

    public DeviceRegisterHandler() {
        this(Wiring.fromEnvironment().registerDevice());
    }

    public DeviceRegisterHandler(RegisterDevice registerDevice) {
        this.registerDevice = registerDevice;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields("publicKey", "assertion");
            var device =
                    registerDevice.register(principal, request.proof(), request.base64url("publicKey", MAX_KEY_CHARS));
            return ApiResponse.ok(ApiResponse.object(
                    "id", device.id(),
                    "name", device.name(),
                    "createdAt", device.createdAt().toString(),
                    "expiresAt", device.expiresAt().toString()));
        });
    }
}
