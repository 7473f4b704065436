package dev.twofa.wiring;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The HTTP client every SDK client of a function uses: the real one, except on a thread that is
 * priming ({@link #answeringLocally}), where each request is answered here with a fixed, empty
 * success of its action and nothing leaves the process.
 *
 * <p>That is the "marshalling-only" path of SnapStart priming: a PutItem, TransactWriteItems, KMS
 * Decrypt, SES SendEmail or SNS Publish runs through the SDK's marshalling, endpoint rules,
 * interceptors, signing and response unmarshalling before the snapshot, with no item written, no
 * key used and no message sent. Only priming turns it on, only on its own thread, and only for the
 * calls priming makes on the SDK clients directly: no adapter of ours sees an answer made here, so
 * no cache can keep one.
 */
final class PrimingHttpClient implements SdkHttpClient {
    private static final ThreadLocal<Boolean> LOCAL = ThreadLocal.withInitial(() -> false);

    /** JSON-protocol answers with the members the SDK or a caller would look for; others get {@code {}}. */
    private static final Map<String, String> JSON_ANSWERS = Map.of(
            "Query", "{\"Count\":0,\"ScannedCount\":0,\"Items\":[]}",
            "Encrypt", "{\"CiphertextBlob\":\"AA==\",\"KeyId\":\"priming\"}",
            "Decrypt", "{\"Plaintext\":\"AA==\",\"KeyId\":\"priming\"}",
            "GenerateDataKey", "{\"CiphertextBlob\":\"AA==\",\"Plaintext\":\"AA==\",\"KeyId\":\"priming\"}",
            "GenerateMac", "{\"Mac\":\"AA==\",\"KeyId\":\"priming\",\"MacAlgorithm\":\"HMAC_SHA_256\"}",
            "Sign", "{\"Signature\":\"AA==\",\"KeyId\":\"priming\",\"SigningAlgorithm\":\"ECDSA_SHA_256\"}");

    private final SdkHttpClient delegate;

    PrimingHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    /** Runs {@code calls} with this thread's SDK requests answered locally, then restores the real path. */
    static void answeringLocally(Runnable calls) {
        boolean outer = LOCAL.get();
        LOCAL.set(true);
        try {
            calls.run();
        } finally {
            LOCAL.set(outer);
        }
    }

    /** Whether this thread's requests are answered locally (for tests). */
    static boolean isAnsweringLocally() {
        return LOCAL.get();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        if (!LOCAL.get()) {
            return delegate.prepareRequest(request);
        }
        HttpExecuteResponse answer = answer(request.httpRequest(), request.contentStreamProvider());
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                return answer;
            }

            @Override
            public void abort() {}
        };
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** JSON protocols (DynamoDB, KMS) name the action in X-Amz-Target; query protocols (SES, SNS) in Action=. */
    static HttpExecuteResponse answer(SdkHttpRequest request, Optional<ContentStreamProvider> body) {
        Optional<String> target = request.firstMatchingHeader("X-Amz-Target");
        String contentType;
        String text;
        if (target.isPresent()) {
            String action = target.get().substring(target.get().lastIndexOf('.') + 1);
            contentType = request.firstMatchingHeader("Content-Type").orElse("application/x-amz-json-1.0");
            text = JSON_ANSWERS.getOrDefault(action, "{}");
        } else {
            String action = queryAction(body).orElse("Unknown");
            contentType = "text/xml";
            text = "<" + action + "Response><" + action + "Result/><ResponseMetadata><RequestId>priming</RequestId>"
                    + "</ResponseMetadata></" + action + "Response>";
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder()
                        .statusCode(200)
                        .putHeader("Content-Type", contentType)
                        .putHeader("Content-Length", Integer.toString(bytes.length))
                        .putHeader("x-amzn-RequestId", "priming")
                        .build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                .build();
    }

    private static Optional<String> queryAction(Optional<ContentStreamProvider> body) {
        if (body.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = body.get().newStream()) {
            String form = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String pair : form.split("&")) {
                if (pair.startsWith("Action=")) {
                    return Optional.of(URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
