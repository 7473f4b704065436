package dev.twofa.wiring;

import dev.twofa.aws.SesMailer;
import dev.twofa.port.Mailer;
import software.amazon.awssdk.services.ses.SesClient;

/** The SES mailer, reached on first use only (see {@link DynamoDbAdapters}). */
final class SesAdapters {
    private final SesClient ses;

    SesAdapters(AwsClients clients) {
        this.ses = clients.build(SesClient.builder());
    }

    Mailer mailer(String sender) {
        return new SesMailer(ses, sender);
    }

    /** SnapStart priming: GetSendQuota, a read of the account's sending limits; no mail is sent. */
    void prime() {
        ses.getSendQuota();
    }
}
