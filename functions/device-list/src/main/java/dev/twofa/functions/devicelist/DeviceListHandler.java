package dev.twofa.functions.devicelist;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.ListDevices;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

/** GET /2fa/devices: the caller's remembered devices (name, created, last used, expiry), newest first. */
public final class DeviceListHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final ListDevices listDevices;

    public DeviceListHandler() {
        this(Wiring.fromEnvironment().listDevices());
    }

    public DeviceListHandler(ListDevices listDevices) {
        this.listDevices = listDevices;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var devices = listDevices.list(request.principal()).stream()
                    .map(d -> ApiResponse.object(
                            "id", d.id(),
                            "name", d.name(),
                            "createdAt", d.createdAt().toString(),
                            "lastUsedAt",
                                    d.lastUsedAt() == null
                                            ? null
                                            : d.lastUsedAt().toString(),
                            "expiresAt", d.expiresAt().toString()))
                    .toList();
            return ApiResponse.ok(ApiResponse.object("devices", devices));
        });
    }
}
