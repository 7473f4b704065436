package dev.twofa.port;

/**
 * A keyed hash (HMAC-SHA256) whose key never leaves the key service (KMS GenerateMac in AWS): a
 * copy of the table alone cannot brute-force six-digit codes or phone numbers out of their hashes.
 */
public interface KeyedHash {

    byte[] mac(byte[] message);
}
