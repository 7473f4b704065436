package dev.twofa.bench.floor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.twofa.wiring.RuntimeSerialization;
import java.util.Map;

/**
 * The floor of the Lambda benchmark: the functions' handler signature (so the runtime interface
 * client maps the same HTTP API event and response), and nothing else. Run on the same harness as
 * the functions, its numbers are what any handler pays before doing work: the JVM, the runtime
 * interface client, the Runtime API round trip and the event mapping. Measured unprimed and primed.
 */
public final class FloorHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /**
     * Primed like the functions, as far as a handler with no request path can be: the runtime's event
     * reading and response writing, when the bench sets TWOFA_PRIME_AT_INIT (as for a primed function).
     */
    static {
        if ("true".equals(System.getenv("TWOFA_PRIME_AT_INIT"))) {
            RuntimeSerialization.readAndWrite(
                    "{\"version\":\"2.0\",\"routeKey\":\"PRIME /priming\",\"rawPath\":\"/priming\","
                            + "\"headers\":{\"content-type\":\"application/json\"},"
                            + "\"requestContext\":{\"http\":{\"method\":\"POST\",\"path\":\"/priming\"}},"
                            + "\"body\":\"{}\",\"isBase64Encoded\":false}");
        }
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(200)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody("{}")
                .build();
    }
}
