package dev.twofa.aws;

import dev.twofa.port.SmsRejectedException;
import dev.twofa.port.SmsSender;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.InvalidParameterValueException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * SMS through SNS Publish to a phone number, as Transactional (delivery over cost: a one-time code
 * that arrives late is useless), with the configured sender id. Opted-out numbers are refused
 * before anything is sent.
 */
public final class SnsSmsSender implements SmsSender {
    static final String DEPENDENCY = "SNS";

    private final SnsClient sns;
    private final Map<String, MessageAttributeValue> attributes;

    public SnsSmsSender(SnsClient sns, Optional<String> senderId) {
        this.sns = sns;
        Map<String, MessageAttributeValue> attrs = new HashMap<>();
        attrs.put("AWS.SNS.SMS.SMSType", text("Transactional"));
        senderId.ifPresent(id -> attrs.put("AWS.SNS.SMS.SenderID", text(id)));
        this.attributes = Map.copyOf(attrs);
    }

    @Override
    public void send(String e164, String message) {
        try {
            if (sns.checkIfPhoneNumberIsOptedOut(c -> c.phoneNumber(e164)).isOptedOut()) {
                throw new SmsRejectedException(SmsRejectedException.Reason.OPTED_OUT, "number opted out", null);
            }
            sns.publish(p -> p.phoneNumber(e164).message(message).messageAttributes(attributes));
        } catch (InvalidParameterException | InvalidParameterValueException e) {
            throw new SmsRejectedException(SmsRejectedException.Reason.REFUSED, "SNS refused the number", e);
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }
}
