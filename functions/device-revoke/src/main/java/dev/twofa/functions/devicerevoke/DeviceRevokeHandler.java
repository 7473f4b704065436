package dev.twofa.functions.devicerevoke;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.RevokeDevices;
import dev.twofa.app.api.TwoFactorException.InvalidRequest;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/** POST /2fa/devices/revoke {"id"} or {"all": true}: forgets one remembered device, or every one. */
public final class DeviceRevokeHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final RevokeDevices revokeDevices;

    public DeviceRevokeHandler() {
        this(Wiring.fromEnvironment().revokeDevices());
    }

    public DeviceRevokeHandler(RevokeDevices revokeDevices) {
        this.revokeDevices = revokeDevices;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields("id", "all");
            var id = request.optionalString("id", 24);
            if (id.isPresent() == request.optionalBoolean("all")) {
                throw new InvalidRequest("id", "Send either \"id\" or \"all\": true, not both or neither.");
            }
            if (id.isPresent()) {
                revokeDevices.revoke(principal, id.get());
                return ApiResponse.ok(ApiResponse.object("revoked", 1));
            }
            return ApiResponse.ok(ApiResponse.object("revoked", revokeDevices.revokeAll(principal)));
        });
    }
}
