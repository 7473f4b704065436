package dev.twofa.domain.account;

import java.time.Instant;
import java.util.Objects;

/** An organisation's rule: when {@code mfaRequired}, every member must keep at least one factor. */
public record OrgPolicy(String orgId, boolean mfaRequired, Instant updatedAt, String updatedBy, String reason) {
    public OrgPolicy {
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(updatedBy, "updatedBy");
    }
}
