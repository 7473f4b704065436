package dev.twofa.wiring;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import dev.twofa.config.Config;
import dev.twofa.domain.otp.OtpPolicy;
import dev.twofa.domain.otp.Totp;
import dev.twofa.envelope.AesGcm;
import dev.twofa.http.ApiResponse;
import dev.twofa.http.Http;
import dev.twofa.http.Log;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming: before the snapshot ({@code beforeCheckpoint}, run by Lambda after init when a
 * version is published), walks the request path once so its classes are loaded, linked and warm in
 * the snapshot rather than on a user's first request: JSON mapping and problem rendering of a request
 * that ends in a 401, the TOTP HMAC and ES256 the use cases run, and one harmless read on every SDK
 * client the function built (see {@link AwsAdapters#prime}).
 *
 * <p>Nothing secret or per-user enters the snapshot: the TOTP key is zeros, the EC key pair is thrown
 * away, the SDK reads name a key no item has or read metadata only, and no random value the service
 * uses is drawn ({@link Wiring#secureRandom()} reads /dev/urandom on every call, after restore).
 * Every step's failure is logged and ignored: a dependency down at publish costs a slower first
 * request, never a failed init.
 *
 * <p>Without a CRaC JVM (tests, a function without SnapStart) nothing calls {@code beforeCheckpoint};
 * {@value #AT_INIT} = true runs the same priming at the end of init, which is how the Lambda tier
 * measures its effect.
 */
public final class Priming implements Resource {
    /** Runs the priming at init, for a JVM without CRaC (the Lambda tier's measurements). */
    public static final String AT_INIT = "TWOFA_PRIME_AT_INIT";

    /**
     * org.crac holds registered resources weakly: this keeps them alive until the checkpoint. A
     * function registers one, at init; the list is never read.
     */
    private static final List<Resource> REGISTERED = new CopyOnWriteArrayList<>();

    private final AwsAdapters adapters;
    private final boolean atInit;
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile List<Runnable> domainSteps = List.of();

    Priming(AwsAdapters adapters, Config config) {
        this.adapters = adapters;
        this.atInit = switch (config.orDefault(AT_INIT, "false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new Config.ConfigException(AT_INIT, "must be true or false");
        };
    }

    /**
     * Called by {@link Wiring} once a use case is built (so its clients exist), with the domain steps
     * of its own request path ({@link DomainPriming}): registers for the checkpoint and, with {@value
     * #AT_INIT}, primes now. Only the first call does anything.
     */
    void armed(List<Runnable> domainSteps) {
        if (!armed.compareAndSet(false, true)) {
            return;
        }
        this.domainSteps = List.copyOf(domainSteps);
        REGISTERED.add(this);
        Core.getGlobalContext().register(this);
        if (atInit) {
            prime();
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    /**
     * After a restore, never before the snapshot: unwraps the envelope keys the function uses (a Query
     * and a KMS Decrypt each), so a restored instance's first request does not pay for them. Clients
     * hold no connection state worth keeping, and randomness is drawn per call: nothing else to renew.
     */
    @Override
    public void afterRestore(Context<? extends Resource> context) {
        long start = System.nanoTime();
        adapters.loadKeysAfterRestore(Priming::skipped);
        Log.log(LogLevel.INFO, "keys loaded after restore in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /** Primes the request path; never throws. */
    public void prime() {
        long start = System.nanoTime();
        attempt("JSON", Priming::json);
        attempt("crypto", Priming::crypto);
        for (Runnable step : domainSteps) {
            attempt("the use case's domain", step);
        }
        adapters.prime((service, failure) -> skipped(service, failure));
        Log.log(LogLevel.INFO, "primed in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /**
     * The event as the runtime reads it and the response as it writes it, then the parsing, problem
     * mapping and JSON writing of every handler: a request with no verified caller, which ends in a
     * 401 problem, and one with a caller, which ends in a 200. The route and the caller are the
     * priming's own ({@code PRIME /priming}, sub {@code #priming}), never a real one, and the action
     * reads its body and caller only: it reaches no use case and no adapter.
     */
    private static void json() {
        RuntimeSerialization runtime = RuntimeSerialization.find();
        APIGatewayV2HTTPEvent signedIn = runtime.event(SIGNED_IN_EVENT).orElseGet(Priming::signedInEvent);
        APIGatewayV2HTTPEvent anonymous = signedInEvent();
        anonymous.getRequestContext().setAuthorizer(null);
        for (APIGatewayV2HTTPEvent event : List.of(anonymous, signedIn)) {
            APIGatewayV2HTTPResponse response = Http.handle(event, request -> {
                request.sixDigitCode("code");
                request.optionalString("nonce", 64);
                request.principal();
                return ApiResponse.ok(ApiResponse.object("primed", true));
            });
            runtime.write(response);
        }
    }

    /** What API Gateway sends for a signed-in caller: claims of the JWT authorizer, headers, a body. */
    private static final String SIGNED_IN_EVENT =
            """
            {"version":"2.0","routeKey":"PRIME /priming","rawPath":"/priming","rawQueryString":"",
             "headers":{"content-type":"application/json","user-agent":"priming","x-forwarded-for":"192.0.2.1"},
             "requestContext":{"accountId":"000000000000","apiId":"priming",
              "authorizer":{"jwt":{"claims":{"sub":"#priming","email":"priming@example.invalid",
               "email_verified":"true","iat":"0","exp":"0"},"scopes":null}},
              "domainName":"priming.invalid","domainPrefix":"priming",
              "http":{"method":"POST","path":"/priming","protocol":"HTTP/1.1","sourceIp":"192.0.2.1",
               "userAgent":"priming"},
              "requestId":"priming","routeKey":"PRIME /priming","stage":"$default",
              "time":"01/Jan/2026:00:00:00 +0000","timeEpoch":0},
             "body":"{\\"code\\":\\"000000\\",\\"nonce\\":\\"priming\\"}","isBase64Encoded":false}
            """;

    /** The same event built here, when no runtime serialization is on the class path (tests, local run). */
    private static APIGatewayV2HTTPEvent signedInEvent() {
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey("PRIME /priming")
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody("{\"code\":\"000000\",\"nonce\":\"priming\"}")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT
                                        .builder()
                                        .withClaims(Map.of(
                                                "sub", "#priming",
                                                "email", "priming@example.invalid",
                                                "email_verified", "true"))
                                        .build())
                                .build())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod("POST")
                                .withPath("/priming")
                                .build())
                        .build())
                .build();
    }

    /**
     * TOTP (HMAC-SHA1) on an all-zero key, SHA-256, ES256 sign and verify with a throwaway key pair in
     * both encodings (DER for KMS's signatures, P1363 for JOSE: the envelope signer and the verifier of
     * step-up assertions), and AES-GCM seal and open under an all-zero key (the envelope secrets).
     */
    private static void crypto() {
        try {
            Totp totp = new Totp(OtpPolicy.DEFAULT);
            totp.check(new byte[OtpPolicy.DEFAULT.secretBytes()], "000000", Instant.EPOCH, Totp.NO_STEP);
            MessageDigest.getInstance("SHA-256").digest("priming".getBytes(StandardCharsets.UTF_8));

            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), Wiring.secureRandom());
            KeyPair throwaway = generator.generateKeyPair();
            byte[] message = "priming".getBytes(StandardCharsets.UTF_8);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(throwaway.getPrivate(), Wiring.secureRandom());
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(throwaway.getPublic());
            verifier.update(message);
            verifier.verify(signature);

            Signature jose = Signature.getInstance("SHA256withECDSAinP1363Format");
            jose.initSign(throwaway.getPrivate(), Wiring.secureRandom());
            jose.update(message);
            byte[] joseSignature = jose.sign();
            jose.initVerify(throwaway.getPublic());
            jose.update(message);
            jose.verify(joseSignature);

            SecretKey zeros = new SecretKeySpec(new byte[32], "AES");
            byte[] context = "priming".getBytes(StandardCharsets.UTF_8);
            AesGcm.open(zeros, AesGcm.seal(zeros, Wiring.secureRandom(), message, context), 0, context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void attempt(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            skipped(what, e);
        }
    }

    /**
     * The class only: an SDK message may quote a request, and a failure here is expected whenever a
     * dependency is down at publish.
     */
    private static void skipped(String what, RuntimeException failure) {
        Log.log(
                LogLevel.WARN,
                "priming of " + what + " skipped: " + failure.getClass().getName());
    }
}
