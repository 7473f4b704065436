package dev.twofa.bench.totp;

import com.warrenstrange.googleauth.GoogleAuthenticator;
import com.warrenstrange.googleauth.GoogleAuthenticatorConfig;
import com.warrenstrange.googleauth.HmacHashFunction;
import dev.twofa.domain.otp.Base32Secret;
import dev.twofa.domain.otp.OtpPolicy;
import dev.twofa.domain.otp.Totp;
import dev.twofa.domain.otp.TotpCheck;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One TOTP check of a sign-in, three ways, with the same parameters (SHA1, 6 digits, 30 s, ±1 step,
 * a 160-bit secret) and the same input: this project's {@link Totp#check}, googleauth 1.5.0's {@code
 * authorize} (wstrange/GoogleAuth, window size 3 = ±1), and a floor of raw {@link Mac} HMAC-SHA1 with
 * RFC 4226 truncation over the same three steps. {@code code=valid} is the current step's code (a
 * sign-in); {@code code=wrong} matches no step, so every implementation computes all three HMACs.
 *
 * <p>What differs: Totp.check validates the format, computes every step of the window without an
 * early exit and compares in constant time (docs/standards.md, code rule 6), and takes {@code Mac.getInstance} per
 * step; googleauth decodes the Base32 secret per call and returns at the first match; the floor
 * reuses one initialised Mac per thread and compares ints. Time is fixed, as a sign-in passes it in.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TotpCheckBenchmark {
    private static final int DIGITS = 6;
    private static final int MODULUS = 1_000_000;
    private static final int PERIOD_SECONDS = 30;
    private static final int DRIFT_STEPS = 1;

    @Param({"valid", "wrong"})
    public String code;

    private final Totp totp = new Totp(OtpPolicy.DEFAULT);
    private final GoogleAuthenticator googleAuth =
            new GoogleAuthenticator(new GoogleAuthenticatorConfig.GoogleAuthenticatorConfigBuilder()
                    .setCodeDigits(DIGITS)
                    .setTimeStepSizeInMillis(TimeUnit.SECONDS.toMillis(PERIOD_SECONDS))
                    .setWindowSize(2 * DRIFT_STEPS + 1)
                    .setHmacHashFunction(HmacHashFunction.HmacSHA1)
                    .build());

    private byte[] secret;
    private String base32Secret;
    private Instant now;
    private String codeText;
    private int codeNumber;
    private Mac mac;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        secret = new byte[OtpPolicy.DEFAULT.secretBytes()];
        new SecureRandom().nextBytes(secret);
        base32Secret = Base32Secret.encode(secret);
        now = Instant.parse("2026-12-01T06:00:10Z");
        mac = Mac.getInstance("HmacSHA1");
        long step = now.getEpochSecond() / PERIOD_SECONDS;
        int current = hotp(mac, secret, step);
        int wrong = current;
        // A code that matches none of the three steps.
        while (wrong == current || wrong == hotp(mac, secret, step - 1) || wrong == hotp(mac, secret, step + 1)) {
            wrong = (wrong + 1) % MODULUS;
        }
        codeNumber = code.equals("valid") ? current : wrong;
        codeText = String.format("%06d", codeNumber);
        if (code.equals("valid")
                        != totp.check(secret, codeText, now, Totp.NO_STEP).isAccepted()
                || code.equals("valid") != googleAuth.authorize(base32Secret, codeNumber, now.toEpochMilli())
                || code.equals("valid") != rawMacWindow()) {
            throw new IllegalStateException("the three implementations disagree on the " + code + " code");
        }
    }

    @Benchmark
    public TotpCheck twofaTotpCheck() {
        return totp.check(secret, codeText, now, Totp.NO_STEP);
    }

    @Benchmark
    public boolean googleauthAuthorize() {
        return googleAuth.authorize(base32Secret, codeNumber, now.toEpochMilli());
    }

    /** The floor: one reused Mac, keyed per call (the secret is per user), three steps, int compare. */
    @Benchmark
    public boolean rawMacWindow() throws GeneralSecurityException {
        mac.init(new SecretKeySpec(secret, "HmacSHA1"));
        long step = now.getEpochSecond() / PERIOD_SECONDS;
        boolean match = false;
        for (long s = step - DRIFT_STEPS; s <= step + DRIFT_STEPS; s++) {
            match |= truncate(mac.doFinal(counter(s))) == codeNumber;
        }
        return match;
    }

    private static int hotp(Mac mac, byte[] key, long step) throws GeneralSecurityException {
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        return truncate(mac.doFinal(counter(step)));
    }

    private static byte[] counter(long step) {
        return ByteBuffer.allocate(Long.BYTES).putLong(step).array();
    }

    /** RFC 4226 §5.3 dynamic truncation, mod 10^6. */
    private static int truncate(byte[] hash) {
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24)
                | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        return binary % MODULUS;
    }
}
