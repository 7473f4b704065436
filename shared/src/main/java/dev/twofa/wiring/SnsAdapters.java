package dev.twofa.wiring;

import dev.twofa.aws.SnsSmsSender;
import dev.twofa.port.SmsSender;
import java.util.Optional;
import software.amazon.awssdk.services.sns.SnsClient;

/** The SNS SMS sender, reached on first use only (see {@link DynamoDbAdapters}). */
final class SnsAdapters {
    private final SnsClient sns;

    SnsAdapters(AwsClients clients) {
        this.sns = clients.build(SnsClient.builder());
    }

    SmsSender smsSender(Optional<String> senderId) {
        return new SnsSmsSender(sns, senderId);
    }

    /** SnapStart priming: GetSMSAttributes, a read of the account's SMS settings; no message is sent. */
    void prime() {
        sns.getSMSAttributes(r -> {});
    }
}
