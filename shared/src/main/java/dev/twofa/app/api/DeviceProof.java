package dev.twofa.app.api;

import java.util.Objects;

/**
 * A remembered device's answer at sign-in: its id, the challenge it signed, and its ECDSA P-256
 * signature (r ‖ s) of that challenge. Formats were checked at the edge.
 */
public record DeviceProof(String deviceId, String challenge, byte[] signature) {
    public DeviceProof {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(challenge, "challenge");
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }
}
