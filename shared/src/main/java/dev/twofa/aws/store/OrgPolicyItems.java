package dev.twofa.aws.store;

import static dev.twofa.aws.store.Schema.bool;
import static dev.twofa.aws.store.Schema.millis;
import static dev.twofa.aws.store.Schema.s;
import static dev.twofa.aws.store.Schema.str;

import dev.twofa.domain.account.OrgPolicy;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** An organisation's "2FA required" rule ({@code ORG#id / POLICY}), set by an operator, unconditionally. */
final class OrgPolicyItems {
    private final Table table;

    OrgPolicyItems(Table table) {
        this.table = table;
    }

    Optional<OrgPolicy> find(String orgId) {
        return table.get(Schema.orgPolicy(orgId))
                .map(item -> new OrgPolicy(
                        orgId,
                        Schema.isTrue(item, "mfaRequired"),
                        millis(item, "updatedAt"),
                        str(item, "updatedBy"),
                        str(item, "reason")));
    }

    void save(OrgPolicy policy) {
        Map<String, AttributeValue> item = Schema.item(Schema.orgPolicy(policy.orgId()));
        item.put("mfaRequired", bool(policy.mfaRequired()));
        item.put("updatedAt", millis(policy.updatedAt()));
        item.put("updatedBy", s(policy.updatedBy()));
        if (policy.reason() != null) {
            item.put("reason", s(policy.reason()));
        }
        table.write(table.put(item));
    }
}
