package dev.twofa.app;

import java.util.Objects;
import java.util.Optional;

/**
 * The signed-in user as the JWT authorizer verified them: {@code sub} is the user id, never a
 * value from the request body. {@code email} comes from the token's claim when it has one.
 */
public record Principal(String userId, String email) {
    public Principal {
        Objects.requireNonNull(userId, "userId");
        if (userId.isBlank()) {
            throw new IllegalArgumentException("userId must not be blank");
        }
    }

    public Optional<String> emailAddress() {
        return Optional.ofNullable(email).filter(e -> !e.isBlank());
    }

    /** Where to send a notice: the token's current address, else the one stored at enrollment. */
    public String emailOr(String stored) {
        return emailAddress().orElse(stored);
    }
}
