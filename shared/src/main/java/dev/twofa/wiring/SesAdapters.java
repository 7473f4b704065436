package dev.twofa.wiring;

import dev.twofa.aws.SesMailer;
import dev.twofa.port.Mailer;
import software.amazon.awssdk.services.ses.SesClient;

/** The SES mailer, reached on first use only (see {@link DynamoDbAdapters}). */
final class SesAdapters {
    private SesAdapters() {}

    static Mailer mailer(AwsClients clients, String sender) {
        return new SesMailer(clients.build(SesClient.builder()), sender);
    }
}
