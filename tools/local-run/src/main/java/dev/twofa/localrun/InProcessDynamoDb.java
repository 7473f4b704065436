package dev.twofa.localrun;

import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local 3.1.0 in this JVM, in memory, reached by a real SDK client over 127.0.0.1.
 *
 * <p>Not {@code DynamoDBEmbedded.create()}: both it and {@code ServerRunner} load DynamoDB Local's
 * telemetry class, which needs the Pinpoint SDK client even with telemetry off, and the registry
 * does not serve Pinpoint at our SDK version (docs/emulators.md). So, as tests/integration does,
 * the request handler {@code ServerRunner} would build is put into a Jetty server whose only
 * connector is on the loopback address (ServerRunner's listens on every interface). A side
 * benefit: requests and errors go through the SDK's real wire protocol, as in AWS.
 */
final class InProcessDynamoDb implements AutoCloseable {
    private final Server jetty;
    private final DynamoDbClient client;

    private InProcessDynamoDb(Server jetty, DynamoDbClient client) {
        this.jetty = jetty;
        this.client = client;
    }

    static InProcessDynamoDb start(Region region) {
        Server jetty = new Server();
        try {
            // (authority level 0, inMemory, dbPath, sharedDb, delayTransientStatuses) as ServerRunner
            var requestHandler = new LocalDynamoDBRequestHandler(0, true, null, true, false);
            jetty.setHandler(new LocalDynamoDBServerHandler(requestHandler, null));
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            jetty.start();
            DynamoDbClient client = DynamoDbClient.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + connector.getLocalPort()))
                    .region(region)
                    // DynamoDB Local accepts any key; a fixed one keeps ~/.aws and the
                    // environment out of the local run.
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
            return new InProcessDynamoDb(jetty, client);
        } catch (Exception e) {
            stopQuietly(jetty);
            throw new IllegalStateException("DynamoDB Local failed to start in-process on 127.0.0.1: " + e, e);
        }
    }

    DynamoDbClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        stopQuietly(jetty);
    }

    private static void stopQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception ignored) {
            // shutting down anyway
        }
    }
}
