package dev.twofa.wiring;

import dev.twofa.aws.SnsSmsSender;
import dev.twofa.port.SmsSender;
import java.util.Optional;
import software.amazon.awssdk.services.sns.SnsClient;

/** The SNS SMS sender, reached on first use only (see {@link DynamoDbAdapters}). */
final class SnsAdapters {
    private SnsAdapters() {}

    static SmsSender smsSender(AwsClients clients, Optional<String> senderId) {
        return new SnsSmsSender(clients.build(SnsClient.builder()), senderId);
    }
}
