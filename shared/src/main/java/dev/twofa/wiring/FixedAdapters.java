package dev.twofa.wiring;

import dev.twofa.port.AssertionSigner;
import dev.twofa.port.AuditTrail;
import dev.twofa.port.KeyedHash;
import dev.twofa.port.Mailer;
import dev.twofa.port.SecretCipher;
import dev.twofa.port.SecurityEvents;
import dev.twofa.port.SmsSender;
import dev.twofa.port.TwoFactorStore;

/** Adapters built up front, e.g. by the local run or a test wiring adapters to emulators. */
public record FixedAdapters(
        TwoFactorStore store,
        SecretCipher cipher,
        Mailer mailer,
        KeyedHash keyedHash,
        SmsSender smsSender,
        AuditTrail auditTrail,
        AssertionSigner assertionSigner,
        SecurityEvents events)
        implements Adapters {}
