package dev.twofa.it.support;

import dev.twofa.aws.SesMailer;
import dev.twofa.aws.store.DynamoTwoFactorStore;
import dev.twofa.wiring.Wiring;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.ses.SesClient;

/**
 * Another request that lands between a request's reads and its write, every time: the request under
 * test runs on the production store over its own DynamoDB client, and just before that client's
 * first call {@code matching}, the other request (on the app's usual client) runs to the end. Races
 * a test could otherwise only hope to hit, such as a lost conditional write, happen on cue.
 */
public final class WireRace {
    /** The one transaction that commits a change (spends a code, turns a factor on or off). */
    public static final Predicate<SdkRequest> TRANSACTION = r -> r instanceof TransactWriteItemsRequest;

    private final TestApp app;
    private final Predicate<SdkRequest> matching;
    private final Runnable other;
    private final AtomicBoolean fired = new AtomicBoolean();

    private WireRace(TestApp app, Predicate<SdkRequest> matching, Runnable other) {
        this.app = app;
        this.matching = matching;
        this.other = other;
    }

    /** {@code other} lands just before the held request's first DynamoDB call {@code matching}. */
    public static WireRace before(TestApp app, Predicate<SdkRequest> matching, Runnable other) {
        return new WireRace(app, matching, other);
    }

    /** {@code other} lands just before the held request's commit transaction. */
    public static WireRace beforeCommit(TestApp app, Runnable other) {
        return before(app, TRANSACTION, other);
    }

    /** The app's wiring with the held store: build the handler under test from it. */
    public Wiring held() {
        return held(app.ses);
    }

    /** The same with another SES client for the notices and links (e.g. one with a fault armed). */
    public Wiring held(SesClient ses) {
        ExecutionInterceptor interceptor = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (matching.test(context.request()) && fired.compareAndSet(false, true)) {
                    other.run();
                }
            }
        };
        DynamoDbClient racing = Emulators.at(Emulators.dynamoEndpoint(), DynamoDbClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(interceptor))
                .build();
        return app.withAdapters(
                new DynamoTwoFactorStore(racing, app.table, app.auditTrail),
                app.cipher(),
                new SesMailer(ses, TestApp.SENDER));
    }

    /** Whether the other request ran: a race that never happened proves nothing. */
    public boolean fired() {
        return fired.get();
    }
}
