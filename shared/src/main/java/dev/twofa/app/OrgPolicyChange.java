package dev.twofa.app;

import dev.twofa.app.api.Operator;
import dev.twofa.domain.account.OrgPolicy;
import dev.twofa.domain.audit.SecurityEvent;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.TwoFactorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** An operator makes two-factor authentication mandatory for an organisation, or optional again. */
public final class OrgPolicyChange {
    private final TwoFactorStore store;
    private final SecurityEvents events;
    private final Clock clock;

    public OrgPolicyChange(TwoFactorStore store, SecurityEvents events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    public OrgPolicy set(String orgId, boolean mfaRequired, String reason, Operator operator) {
        Instant now = clock.instant();
        String org = SupportReset.required("orgId", orgId);
        OrgPolicy policy = new OrgPolicy(org, mfaRequired, now, operator.arn(), reason);
        store.saveOrgPolicy(policy);
        Map<String, String> details = new HashMap<>();
        details.put("orgId", org);
        details.put("mfaRequired", Boolean.toString(mfaRequired));
        details.put("operator", operator.arn());
        details.put("apiRequestId", operator.requestId());
        if (reason != null) {
            details.put("reason", reason);
        }
        // Audited under the organisation: a policy belongs to no single user.
        events.record(new SecurityEvent("org_policy_changed", "org:" + org, null, now, null, null, details));
        return policy;
    }
}
