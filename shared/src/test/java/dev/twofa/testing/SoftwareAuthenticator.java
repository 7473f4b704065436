package dev.twofa.testing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WebAuthn authenticator in software, for tests from the attacker's and the browser's side: a
 * P-256 key pair of the JDK, authenticator data, client data and attestation objects built by hand
 * with a small CBOR writer (never with the server's library, which must not check itself). It
 * answers like navigator.credentials.create/get with WebAuthn Level 3 JSON ({@code
 * RegistrationResponseJSON}, {@code AuthenticationResponseJSON}), and each knob below lets a test
 * make one thing wrong: the origin, the RP id, the type, the flags, the counter, the signature.
 */
public final class SoftwareAuthenticator {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keys;
    private final byte[] credentialId;
    private final byte[] aaguid = new byte[16];
    private long signCount;

    /** The origin the "browser" puts in the client data. */
    public String origin;
    /** The RP id whose hash goes into the authenticator data. */
    public String rpId;
    /** Whether the user was verified (UV); user presence (UP) is always set unless {@link #userPresent} is false. */
    public boolean userVerified = true;

    public boolean userPresent = true;
    /** Backup eligible and backed up (a synced passkey). */
    public boolean backedUp;
    /** Added to the counter before each signature (0: the authenticator does not count). */
    public int counterStep = 1;
    /** Flip a bit of each signature. */
    public boolean tamperSignature;
    /** Overrides the client data type ("webauthn.create" / "webauthn.get"). */
    public String typeOverride;

    public SoftwareAuthenticator(String rpId, String origin) {
        this(rpId, origin, newKeys(), random(32));
    }

    private SoftwareAuthenticator(String rpId, String origin, KeyPair keys, byte[] credentialId) {
        this.rpId = rpId;
        this.origin = origin;
        this.keys = keys;
        this.credentialId = credentialId.clone();
    }

    /** A copy of this authenticator's key and counter (a cloned security key), with its own state from now on. */
    public SoftwareAuthenticator cloneKey() {
        SoftwareAuthenticator copy = new SoftwareAuthenticator(rpId, origin, keys, credentialId);
        copy.signCount = signCount;
        copy.counterStep = counterStep;
        return copy;
    }

    public String credentialId() {
        return B64.encodeToString(credentialId);
    }

    public long signCount() {
        return signCount;
    }

    public void signCount(long value) {
        signCount = value;
    }

    /** navigator.credentials.create's answer to options with this challenge (base64url), as RegistrationResponseJSON. */
    public Map<String, Object> register(String challenge) {
        byte[] clientData = clientData(typeOverride != null ? typeOverride : "webauthn.create", challenge);
        signCount += counterStep;
        byte[] authData = authenticatorData(true);
        Map<Object, Object> attestation = new LinkedHashMap<>();
        attestation.put("fmt", "none");
        attestation.put("attStmt", Map.of());
        attestation.put("authData", authData);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("attestationObject", B64.encodeToString(Cbor.encode(attestation)));
        response.put("transports", List.of("usb"));
        return credential(response);
    }

    /** navigator.credentials.get's answer for this challenge (base64url), as AuthenticationResponseJSON. */
    public Map<String, Object> authenticate(String challenge, byte[] userHandle) {
        byte[] clientData = clientData(typeOverride != null ? typeOverride : "webauthn.get", challenge);
        signCount += counterStep;
        byte[] authData = authenticatorData(false);
        byte[] signature = sign(concat(authData, sha256(clientData)));
        if (tamperSignature) {
            signature[signature.length - 1] ^= 1;
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("authenticatorData", B64.encodeToString(authData));
        response.put("signature", B64.encodeToString(signature));
        if (userHandle != null) {
            response.put("userHandle", B64.encodeToString(userHandle));
        }
        return credential(response);
    }

    private Map<String, Object> credential(Map<String, Object> response) {
        Map<String, Object> credential = new LinkedHashMap<>();
        credential.put("id", credentialId());
        credential.put("rawId", credentialId());
        credential.put("type", "public-key");
        credential.put("response", response);
        credential.put("clientExtensionResults", Map.of());
        credential.put("authenticatorAttachment", "cross-platform");
        return credential;
    }

    private byte[] clientData(String type, String challenge) {
        String json = "{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + origin
                + "\",\"crossOrigin\":false}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] authenticatorData(boolean attested) {
        int flags =
                (userPresent ? 0x01 : 0) | (userVerified ? 0x04 : 0) | (backedUp ? 0x18 : 0) | (attested ? 0x40 : 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
        out.write(flags);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) signCount).array());
        if (attested) {
            out.writeBytes(aaguid);
            out.writeBytes(
                    ByteBuffer.allocate(2).putShort((short) credentialId.length).array());
            out.writeBytes(credentialId);
            out.writeBytes(coseKey());
        }
        return out.toByteArray();
    }

    /** The public key as COSE_Key (RFC 9053): kty EC2, alg ES256, crv P-256, x, y. */
    private byte[] coseKey() {
        ECPublicKey key = (ECPublicKey) keys.getPublic();
        Map<Object, Object> cose = new LinkedHashMap<>();
        cose.put(1, 2);
        cose.put(3, -7);
        cose.put(-1, 1);
        cose.put(-2, fixed(key.getW().getAffineX()));
        cose.put(-3, fixed(key.getW().getAffineY()));
        return Cbor.encode(cose);
    }

    private byte[] sign(byte[] data) {
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(keys.getPrivate());
            ecdsa.update(data);
            return ecdsa.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] fixed(BigInteger n) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The CBOR (RFC 8949) this authenticator needs: unsigned and negative integers, byte and text strings, maps. */
    static final class Cbor {
        private Cbor() {}

        static byte[] encode(Object value) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            write(out, value);
            return out.toByteArray();
        }

        private static void write(ByteArrayOutputStream out, Object value) {
            switch (value) {
                case Integer i when i >= 0 -> head(out, 0, i);
                case Integer i -> head(out, 1, -1L - i);
                case byte[] bytes -> {
                    head(out, 2, bytes.length);
                    out.writeBytes(bytes);
                }
                case String text -> {
                    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                    head(out, 3, utf8.length);
                    out.writeBytes(utf8);
                }
                case Map<?, ?> map -> {
                    head(out, 5, map.size());
                    map.forEach((k, v) -> {
                        write(out, k);
                        write(out, v);
                    });
                }
                default -> throw new IllegalArgumentException("no CBOR for " + value.getClass());
            }
        }

        private static void head(ByteArrayOutputStream out, int major, long n) {
            int type = major << 5;
            if (n < 24) {
                out.write(type | (int) n);
            } else if (n < 0x100) {
                out.write(type | 24);
                out.write((int) n);
            } else if (n < 0x10000) {
                out.write(type | 25);
                out.writeBytes(ByteBuffer.allocate(2).putShort((short) n).array());
            } else {
                out.write(type | 26);
                out.writeBytes(ByteBuffer.allocate(4).putInt((int) n).array());
            }
        }
    }
}
