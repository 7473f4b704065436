package dev.twofa.port;

import dev.twofa.domain.audit.SecurityEvent;

/**
 * Where security events go: the append-only audit trail and the structured log. Recording must
 * not undo what already happened, so implementations report their own failures rather than throw.
 */
public interface SecurityEvents {

    void record(SecurityEvent event);

    /**
     * An event whose audit item the store already wrote, in the same transaction as the change it
     * describes (a sign-in is recorded with its audit item or not at all): only the rest is left,
     * the log line, so the item is never written twice.
     */
    void committed(SecurityEvent event);
}
