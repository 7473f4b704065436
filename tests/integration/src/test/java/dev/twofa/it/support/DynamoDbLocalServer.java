package dev.twofa.it.support;

import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local 3.x as an in-process HTTP server bound to 127.0.0.1 only.
 *
 * <p>{@code ServerRunner.createServerFromCommandLineArgs} has no host option: its Jetty server
 * listens on every interface. So this wires the same request handler that {@code ServerRunner}
 * builds into a Jetty server whose only connector is on the loopback address. Telemetry is never
 * configured on this path, so nothing is sent anywhere. In-memory, shared DB (region and
 * credentials are ignored), no transient-status delays. 3.x extracts its sqlite4java native
 * library from its own jar: no {@code sqlite4java.library.path} is needed.
 */
final class DynamoDbLocalServer {
    private final Server jetty;
    private final URI endpoint;

    private DynamoDbLocalServer(Server jetty, URI endpoint) {
        this.jetty = jetty;
        this.endpoint = endpoint;
    }

    static DynamoDbLocalServer start() {
        // Daemon threads: the JVM may end without an explicit stop (the shutdown hook still runs).
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("dynamodb-local");
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        jetty.addBean(new ScheduledExecutorScheduler("dynamodb-local-scheduler", true));
        try {
            // (authority level 0, inMemory, dbPath, sharedDb, delayTransientStatuses) as ServerRunner
            var requestHandler = new LocalDynamoDBRequestHandler(0, true, null, true, false);
            jetty.setHandler(new LocalDynamoDBServerHandler(requestHandler, null));
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            jetty.start();
            return new DynamoDbLocalServer(jetty, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
        } catch (Exception e) {
            stopQuietly(jetty);
            throw new IllegalStateException(
                    "DynamoDB Local (software.amazon.dynamodb:DynamoDBLocal, a test dependency of "
                            + "tests/integration) failed to start in-process on 127.0.0.1: " + e,
                    e);
        }
    }

    URI endpoint() {
        return endpoint;
    }

    void stop() {
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
