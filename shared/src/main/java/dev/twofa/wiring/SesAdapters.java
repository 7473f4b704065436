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

    /**
     * SnapStart priming: a SendEmail answered locally ({@link PrimingHttpClient}): its marshalling and
     * unmarshalling, no mail sent; then a real GetSendQuota (a read of the account's sending limits).
     */
    void prime() {
        PrimingHttpClient.answeringLocally(() -> ses.sendEmail(s -> s.source("priming@example.invalid")
                .destination(d -> d.toAddresses("priming@example.invalid"))
                .message(m -> m.subject(c -> c.data("priming").charset("UTF-8"))
                        .body(b -> b.text(c -> c.data("priming").charset("UTF-8"))
                                .html(c -> c.data("<p>priming</p>").charset("UTF-8"))))));
        ses.getSendQuota();
    }

    void close() {
        ses.close();
    }
}
