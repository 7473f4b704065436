package dev.twofa.localrun.adapters;

import dev.twofa.port.Mailer;
import java.time.Clock;

/** Puts each email in the {@link Outbox} (and, if given, also hands it to a real mailer). */
public final class OutboxMailer implements Mailer {
    private final Outbox outbox;
    private final Clock clock;
    private final Mailer delegate;

    public OutboxMailer(Outbox outbox, Clock clock, Mailer delegate) {
        this.outbox = outbox;
        this.clock = clock;
        this.delegate = delegate;
    }

    public OutboxMailer(Outbox outbox, Clock clock) {
        this(outbox, clock, null);
    }

    @Override
    public void send(Email email) {
        if (delegate != null) {
            delegate.send(email);
        }
        outbox.add(new Outbox.Message("email", email.to(), email.subject(), email.body(), clock.instant()));
    }
}
