package dev.twofa.localrun.adapters;

import dev.twofa.port.SmsSender;
import java.time.Clock;

/** Puts each SMS in the {@link Outbox} (and, if given, also hands it to a real sender). */
public final class OutboxSmsSender implements SmsSender {
    private final Outbox outbox;
    private final Clock clock;
    private final SmsSender delegate;

    public OutboxSmsSender(Outbox outbox, Clock clock, SmsSender delegate) {
        this.outbox = outbox;
        this.clock = clock;
        this.delegate = delegate;
    }

    public OutboxSmsSender(Outbox outbox, Clock clock) {
        this(outbox, clock, null);
    }

    @Override
    public void send(String e164, String text) {
        if (delegate != null) {
            delegate.send(e164, text);
        }
        outbox.add(new Outbox.Message("sms", e164, null, text, clock.instant()));
    }
}
