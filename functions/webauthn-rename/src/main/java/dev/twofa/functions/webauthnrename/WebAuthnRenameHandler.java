package dev.twofa.functions.webauthnrename;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.app.RenameWebAuthn;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.http.WebAuthnJson;
import dev.twofa.wiring.Wiring;

/** POST /2fa/webauthn/credentials/rename {"id", "name"}: a new name for one security key or passkey. */
public final class WebAuthnRenameHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** A credential id is at most 1023 bytes: 1364 characters of base64url. */
    private static final int MAX_ID_CHARS = 1364;

    private final RenameWebAuthn useCase;

    public WebAuthnRenameHandler() {
        this(Wiring.fromEnvironment().renameWebAuthn());
    }

    public WebAuthnRenameHandler(RenameWebAuthn useCase) {
        this.useCase = useCase;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Http.handle(event, request -> {
            var principal = request.principal();
            request.fields("id", "name");
            var renamed = useCase.rename(
                    principal, request.requiredString("id", MAX_ID_CHARS), request.requiredString("name", 256));
            return ApiResponse.ok(WebAuthnJson.credentialView(renamed));
        });
    }
}
