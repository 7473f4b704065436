package dev.twofa.localrun;

import com.sun.net.httpserver.HttpServer;
import dev.twofa.config.Config;
import dev.twofa.localrun.adapters.Outbox;
import dev.twofa.wiring.Adapters;
import dev.twofa.wiring.Wiring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import software.amazon.awssdk.regions.Region;

/**
 * The API on {@code http://127.0.0.1:3000} with no AWS account: the routes and handlers are read
 * from template.yaml, DynamoDB Local runs in this JVM, and the embedded cipher and the outbox stand
 * in for KMS and SES. With {@code AWS_ENDPOINT_URL} set, the AWS adapters talk to that emulator
 * instead. The reference web client in {@code web/} beside the template is served at {@code /}.
 * A developer tool: it prints to the console and binds to the loopback address only.
 */
public final class LocalRun implements AutoCloseable {
    public static final int DEFAULT_PORT = 3000;

    /**
     * Dev only: the IAM caller an AWS_IAM (operator) route gets here, in place of the SigV4 signature
     * API Gateway checks when deployed. API Gateway never turns a header into the authorizer context,
     * and the functions read only that context, so the header means nothing to a deployed stack.
     */
    public static final String DEV_CALLER_ARN_HEADER = "X-Twofa-Dev-Caller-Arn";

    /**
     * Where the local run sends SMS (to its outbox) unless SMS_ALLOWED_COUNTRIES says otherwise: a
     * short list, as a deployment should have (README.md, "Try it locally"); the same as the dev
     * stack's in samconfig.toml.
     */
    public static final String DEFAULT_SMS_ALLOWED_COUNTRIES = "DK,SE,NO,DE,GB,US";

    private static final String USAGE = "usage: run-local [--template PATH] [--port N]"
            + "   (env: PORT, TEMPLATE, LOCAL_RUN_HOST, AWS_ENDPOINT_URL, and any variable the functions read)";

    /**
     * The name the run is reached by (APP_BASE_URL's host, so the WebAuthn RP id): {@code 127.0.0.1}
     * by default, or {@code localhost}, which browsers accept as an RP id (an IP address is not one),
     * for security keys and passkeys. Either way the server listens on 127.0.0.1 only.
     */
    public static final String HOST_VARIABLE = "LOCAL_RUN_HOST";

    private final HttpServer server;
    private final ExecutorService executor;
    private final AutoCloseable resources;
    private final List<TemplateRoutes.Route> routes;
    private final Optional<StaticSite> site;
    private final String host;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * How to start.
     *
     * @param template template.yaml; null: searched from the working directory upward
     * @param port 0 for an ephemeral port
     * @param env the environment: overrides the local defaults; {@code AWS_ENDPOINT_URL} selects
     *     an emulator instead of the embedded adapters
     * @param keyFile the local cipher's key; null: {@code .local/secret.key} beside the template
     */
    public record Options(Path template, int port, Map<String, String> env, Path keyFile) {
        public Options {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535");
            }
            env = Map.copyOf(env);
        }

        /** Port 3000, template searched upward, embedded adapters (an empty environment). */
        public static Options defaults() {
            return new Options(null, DEFAULT_PORT, Map.of(), null);
        }

        /** From the command line ({@code --template PATH}, {@code --port N}) and the environment. */
        public static Options parse(String[] args, Map<String, String> env) {
            String template = env.get("TEMPLATE");
            String port = env.get("PORT");
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--template") || arg.equals("--port")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    if (arg.equals("--template")) {
                        template = args[++i];
                    } else {
                        port = args[++i];
                    }
                } else if (arg.startsWith("--template=")) {
                    template = arg.substring("--template=".length());
                } else if (arg.startsWith("--port=")) {
                    port = arg.substring("--port=".length());
                } else {
                    throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            int portNumber = DEFAULT_PORT;
            if (port != null && !port.isBlank()) {
                try {
                    portNumber = Integer.parseInt(port.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("PORT must be a number between 0 and 65535");
                }
            }
            return new Options(
                    template == null || template.isBlank() ? null : Path.of(template), portNumber, env, null);
        }

        public Options withTemplate(Path template) {
            return new Options(template, port, env, keyFile);
        }

        public Options withPort(int port) {
            return new Options(template, port, env, keyFile);
        }

        public Options withEnv(Map<String, String> env) {
            return new Options(template, port, env, keyFile);
        }

        public Options withKeyFile(Path keyFile) {
            return new Options(template, port, env, keyFile);
        }
    }

    private LocalRun(
            HttpServer server,
            ExecutorService executor,
            AutoCloseable resources,
            List<TemplateRoutes.Route> routes,
            Optional<StaticSite> site,
            String host) {
        this.server = server;
        this.executor = executor;
        this.resources = resources;
        this.routes = routes;
        this.site = site;
        this.host = host;
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        LocalRun run;
        try {
            run = start(Options.parse(args, System.getenv()));
        } catch (IllegalArgumentException e) {
            System.err.println("twofa local run: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("twofa local run failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(run::close, "twofa-local-run-shutdown"));
        run.awaitClose();
    }

    /** Reads the template, builds every function, and starts serving. */
    public static LocalRun start(Options options) {
        return start(options, LocalFunction::load);
    }

    /** As {@link #start(Options)}, with {@code loader} making the function that serves each route. */
    static LocalRun start(Options options, BiFunction<TemplateRoutes.Route, Wiring, LocalFunction> loader) {
        Path template = options.template() != null
                ? options.template()
                : TemplateRoutes.find(Path.of(""))
                        .orElseThrow(() -> new IllegalArgumentException(
                                "no template.yaml in the working directory or above it; pass --template PATH"));
        List<TemplateRoutes.Route> routes = TemplateRoutes.read(template);
        if (routes.isEmpty()) {
            throw new IllegalStateException(template + " declares no function with an HttpApi event");
        }
        Path repoRoot = template.toAbsolutePath().getParent();
        Optional<StaticSite> site = StaticSite.in(repoRoot.resolve("web"));

        HttpServer server = bind(options.port());
        int port = server.getAddress().getPort();
        String named = options.env().get(HOST_VARIABLE);
        String host = named == null || named.isBlank() ? "127.0.0.1" : named;
        if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
            server.stop(0);
            throw new IllegalArgumentException(HOST_VARIABLE + " must be 127.0.0.1 or localhost");
        }
        URI baseUrl = URI.create("http://" + host + ":" + port);
        Map<String, String> env = new HashMap<>();
        env.put("APP_BASE_URL", baseUrl.toString());
        env.put("TOTP_ISSUER", "TwoFA Local");
        env.put("TABLE_NAME", "twofa-local");
        env.put("SENDER_EMAIL", "no-reply@twofa.local");
        env.put("AWS_REGION", "us-east-1");
        env.put("SMS_ALLOWED_COUNTRIES", DEFAULT_SMS_ALLOWED_COUNTRIES);
        options.env().forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                env.put(name, value);
            }
        });

        Clock clock = Clock.systemUTC();
        SecureRandom random = Wiring.secureRandom();
        Outbox outbox = new Outbox();
        ExecutorService executor = null;
        AutoCloseable resources = () -> {};
        try {
            Adapters adapters;
            if (new Config(env).optional("AWS_ENDPOINT_URL").isPresent()) {
                env.putAll(EmulatorAdapters.provision(env));
                adapters = new EmulatorAdapters(new Config(env), outbox, clock);
            } else {
                Path keyFile = options.keyFile() != null ? options.keyFile() : repoRoot.resolve(".local/secret.key");
                EmbeddedAdapters.Started embedded = EmbeddedAdapters.start(
                        Region.of(env.get("AWS_REGION")), env.get("TABLE_NAME"), keyFile, random, outbox, clock);
                adapters = embedded.adapters();
                resources = embedded.dynamoLocal();
            }
            Wiring wiring = new Wiring(adapters, new Config(env), clock, random);

            // One pool of handler instances per function, shared by the function's routes.
            Map<String, LocalFunction> functions = new LinkedHashMap<>();
            List<LocalApi.Endpoint> endpoints = new ArrayList<>();
            for (TemplateRoutes.Route route : routes) {
                LocalFunction function = functions.computeIfAbsent(route.function(), f -> loader.apply(route, wiring));
                endpoints.add(new LocalApi.Endpoint(route, function));
            }
            LocalJwt jwt = new LocalJwt(baseUrl + "/dev", random, clock);
            // A thread per request in flight (idle ones are reused, then end), as API Gateway takes
            // any number at once: what limits a function is its pool of instances (LocalFunction),
            // not a small shared pool of server threads. Platform threads, not virtual ones: the JDK
            // HTTP server reads and writes sockets inside synchronized methods, which on Java 21 (as
            // on Lambda, and the JDK the scripts prefer) pins a virtual thread to its carrier, one
            // per core, so a few slow clients could stall every other request.
            executor = Executors.newCachedThreadPool(
                    Thread.ofPlatform().name("twofa-local-http-", 1).daemon().factory());
            server.createContext("/", new LocalApi(endpoints, jwt, outbox, clock, site));
            server.setExecutor(executor);
            server.start();
        } catch (RuntimeException | Error e) {
            server.stop(0);
            if (executor != null) {
                executor.shutdownNow();
            }
            closeQuietly(resources);
            throw e;
        }

        LocalRun run = new LocalRun(server, executor, resources, routes, site, host);
        run.printBanner(baseUrl, template);
        return run;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI baseUrl() {
        return URI.create("http://" + host + ":" + port());
    }

    public List<TemplateRoutes.Route> routes() {
        return routes;
    }

    /** The folder the reference web client is served from ({@code web/} beside the template), if any. */
    public Optional<Path> webRoot() {
        return site.map(StaticSite::root);
    }

    /** Stops serving (requests in flight get a second) and shuts DynamoDB Local down. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(1);
        executor.shutdownNow();
        closeQuietly(resources);
        stopped.countDown();
    }

    private void awaitClose() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void printBanner(URI baseUrl, Path template) {
        System.out.println("twofa local run listening on " + baseUrl);
        System.out.println("routes from " + template.toAbsolutePath().normalize() + ":");
        for (TemplateRoutes.Route route : routes) {
            System.out.printf(
                    "  %-6s %-22s -> %s (%s::%s)%s%n",
                    route.method(),
                    route.path(),
                    route.function(),
                    route.handlerClass(),
                    route.handlerMethod(),
                    switch (route.auth()) {
                        case JWT -> "";
                        case IAM -> "  [IAM: dev header " + DEV_CALLER_ARN_HEADER + "]";
                        case NONE -> "  [no authorizer]";
                    });
        }
        System.out.println("each function serves up to " + LocalFunction.MAX_INSTANCES
                + " requests at once, each on a handler instance of its own (as Lambda's environments)");
        System.out.println("dev-only:");
        System.out.println("  POST   /dev/token {\"sub\",\"email\",\"email_verified\",<claim>...} -> {\"token\"}"
                + " (Bearer token for the routes above)");
        System.out.println("  GET    /dev/outbox                -> emails sent, newest first");
        System.out.println("  " + DEV_CALLER_ARN_HEADER
                + ": arn:aws:iam::000000000000:user/you -> the IAM caller of the /operator/ routes (no SigV4 here)");
        site.ifPresentOrElse(
                s -> System.out.println("web client: " + baseUrl + "/  (static files from " + s.root() + ")"),
                () -> System.out.println("web client: none (no web/ folder beside the template)"));
    }

    private static HttpServer bind(int port) {
        try {
            // Loopback only: the dev endpoints mint tokens for anyone who can reach them.
            return HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (BindException e) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use; set PORT to another one", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception ignored) {
            // shutting down anyway
        }
    }
}
