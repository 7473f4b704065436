package dev.twofa.aws;

import dev.twofa.port.Mailer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ses.SesClient;

/** Plain-text email through SES (v1 API: sesv2 is not served at the SDK version in use). */
public final class SesMailer implements Mailer {
    static final String DEPENDENCY = "SES";

    private final SesClient ses;
    private final String sender;

    public SesMailer(SesClient ses, String sender) {
        this.ses = ses;
        this.sender = sender;
    }

    @Override
    public void send(Email email) {
        try {
            ses.sendEmail(s -> s.source(sender)
                    .destination(d -> d.toAddresses(email.to()))
                    .message(m -> m.subject(c -> c.data(email.subject()).charset("UTF-8"))
                            .body(b -> b.text(c -> c.data(email.body()).charset("UTF-8")))));
        } catch (SdkException e) {
            throw AwsErrors.translate(DEPENDENCY, e);
        }
    }
}
