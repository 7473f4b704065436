package dev.twofa.it.support;

import com.amazonaws.services.lambda.runtime.Client;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.util.Map;
import java.util.UUID;

/** A Lambda invocation context as a direct (IAM) invoke with a client context would give it. */
public final class TestContext implements Context {
    private final String requestId = UUID.randomUUID().toString();
    private final Map<String, String> custom;

    public TestContext(Map<String, String> clientContextCustom) {
        this.custom = Map.copyOf(clientContextCustom);
    }

    public static TestContext operator(String identity) {
        return new TestContext(Map.of("operator", identity));
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/test";
    }

    @Override
    public String getLogStreamName() {
        return "test";
    }

    @Override
    public String getFunctionName() {
        return "test";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:eu-west-1:000000000000:function:test";
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return custom.isEmpty()
                ? null
                : new ClientContext() {
                    @Override
                    public Client getClient() {
                        return null;
                    }

                    @Override
                    public Map<String, String> getCustom() {
                        return custom;
                    }

                    @Override
                    public Map<String, String> getEnvironment() {
                        return Map.of();
                    }
                };
    }

    @Override
    public int getRemainingTimeInMillis() {
        return 10_000;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return null;
    }
}
