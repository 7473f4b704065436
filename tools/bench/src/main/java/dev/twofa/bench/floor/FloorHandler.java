package dev.twofa.bench.floor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;

/**
 * The floor of the Lambda benchmark: the functions' handler signature (so the runtime interface
 * client maps the same HTTP API event and response), and nothing else. Run on the same harness as
 * the functions, its numbers are what any handler pays before doing work: the JVM, the runtime
 * interface client, the Runtime API round trip and the event mapping.
 */
public final class FloorHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(200)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody("{}")
                .build();
    }
}
