package dev.twofa.functions.jwks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.Jwks;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;
import java.util.Map;

/** GET /.well-known/jwks.json (no authorizer): the public key MFA assertions are signed with. */
public final class JwksHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Jwks jwks;

    public JwksHandler() {
        this(Wiring.fromEnvironment().jwks());
    }

    public JwksHandler(Jwks jwks) {
        this.jwks = jwks;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        // Public and the same for everyone: verifying backends may cache it (the key rotates by a
        // stack update, and a new kid makes them fetch again).
        return Http.handle(
                event,
                request -> new ApiResponse(200, jwks.document(), Map.of("Cache-Control", "public, max-age=300")));
    }
}
