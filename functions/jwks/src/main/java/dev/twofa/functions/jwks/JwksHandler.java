package dev.twofa.functions.jwks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.Jwks;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.wiring.Wiring;

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
        return Http.handle(event, request -> ApiResponse.ok(jwks.document()));
    }
}
