package dev.twofa.wiring;

import dev.twofa.port.AssertionSigner;
import dev.twofa.port.AuditTrail;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.Mailer;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.SmsSender;
import dev.twofa.port.TwoFactorStore;

/**
 * The outside world the use cases talk to. Each accessor builds its adapter on first use, so a
 * function only creates (and only ships) the SDK clients its use case needs.
 */
public interface Adapters {
    TwoFactorStore store();

    SecretCipher cipher();

    Mailer mailer();

    KeyedHash keyedHash();

    SmsSender smsSender();

    AuditTrail auditTrail();

    AssertionSigner assertionSigner();

    SecurityEvents events();
}
