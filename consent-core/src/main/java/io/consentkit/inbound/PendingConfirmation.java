package io.consentkit.inbound;

import io.consentkit.phone.PhoneNumber;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Y/N confirmation waiting for its answer, read from its {@code pending} journal row. Immutable
 * and thread-safe; {@link #toString()} masks the number and leaves out the question.
 *
 * @param id          the confirmation's id (its {@code consent_id})
 * @param phoneNumber the number asked
 * @param question    the exact question sent
 * @param context     the app's context
 * @param requestedAt when it was recorded
 * @param expiresAt   the deadline for an answer
 */
public record PendingConfirmation(String id, PhoneNumber phoneNumber, String question, Map<String, String> context,
                                  Instant requestedAt, Instant expiresAt) {

    public PendingConfirmation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(phoneNumber, "phoneNumber");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        context = context == null || context.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(context));
    }

    /** True if an answer at {@code at} would be too late. */
    public boolean isOverdue(Instant at) {
        return !at.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "PendingConfirmation[" + id + ", " + phoneNumber.masked() + ", expires " + expiresAt + "]";
    }
}
