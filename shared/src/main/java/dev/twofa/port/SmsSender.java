package dev.twofa.port;

/** Sends a text message (SNS in AWS, the outbox in the local run). */
public interface SmsSender {

    /**
     * @param e164 the destination, already validated and normalised
     * @throws SmsRejectedException when the number cannot receive it (opted out, refused)
     * @throws DependencyException when the SMS service fails
     */
    void send(String e164, String text);
}
