package dev.twofa.wiring;

import dev.twofa.aws.SnsSmsSender;
import dev.twofa.port.SmsSender;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** The SNS SMS sender, reached on first use only (see {@link DynamoDbAdapters}). */
final class SnsAdapters {
    private static final String PRIMING_NUMBER = "+15555550100";

    private final SnsClient sns;

    SnsAdapters(AwsClients clients) {
        this.sns = clients.build(SnsClient.builder());
    }

    SmsSender smsSender(Optional<String> senderId) {
        return new SnsSmsSender(sns, senderId);
    }

    /**
     * SnapStart priming: the opt-out check and a Publish answered locally ({@link PrimingHttpClient}):
     * their marshalling and unmarshalling, no message sent (to a fictitious +1 555 01xx number); then a
     * real GetSMSAttributes (a read of the account's SMS settings).
     */
    void prime() {
        PrimingHttpClient.answeringLocally(() -> {
            sns.checkIfPhoneNumberIsOptedOut(c -> c.phoneNumber(PRIMING_NUMBER));
            sns.publish(p -> p.phoneNumber(PRIMING_NUMBER)
                    .message("priming")
                    .messageAttributes(Map.of(
                            "AWS.SNS.SMS.SMSType",
                            MessageAttributeValue.builder()
                                    .dataType("String")
                                    .stringValue("Transactional")
                                    .build())));
        });
        sns.getSMSAttributes(r -> {});
    }

    void close() {
        sns.close();
    }
}
