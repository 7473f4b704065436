package dev.twofa.app.common;

/**
 * The method names the API, the audit trail and the assertion's {@code amr} mapping use for each way
 * a second factor is passed, spelled once.
 */
public final class Factors {
    public static final String TOTP = VerifiedMethod.TOTP.apiName();
    public static final String RECOVERY = VerifiedMethod.RECOVERY.apiName();
    public static final String ASSERTION = VerifiedMethod.ASSERTION.apiName();
    public static final String SMS = "sms";
    public static final String DEVICE = VerifiedMethod.DEVICE.apiName();
    public static final String WEBAUTHN = VerifiedMethod.WEBAUTHN.apiName();

    private Factors() {}
}
