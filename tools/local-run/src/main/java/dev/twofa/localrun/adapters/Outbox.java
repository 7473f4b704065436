package dev.twofa.localrun.adapters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the local run "sent": emails (and later SMS), kept in memory for GET /dev/outbox. */
public final class Outbox {
    private static final int CAPACITY = 500;

    public record Message(String channel, String to, String subject, String body, Instant sentAt) {}

    private final List<Message> messages = new ArrayList<>();

    public synchronized void add(Message message) {
        messages.add(message);
        if (messages.size() > CAPACITY) {
            messages.removeFirst();
        }
    }

    /** Newest first. */
    public synchronized List<Message> newestFirst() {
        return List.copyOf(messages.reversed());
    }
}
