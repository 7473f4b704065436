package dev.twofa.app;

/**
 * Where security events go: the append-only audit trail and the structured log. Recording must
 * not undo what already happened, so implementations report their own failures rather than throw.
 */
public interface SecurityEvents {

    void record(SecurityEvent event);
}
