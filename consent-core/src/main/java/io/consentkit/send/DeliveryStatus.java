package io.consentkit.send;

import io.consentkit.InvalidInputException;

import java.util.Locale;
import java.util.Optional;

/**
 * A message's delivery status as providers report it (Twilio's {@code MessageStatus} values).
 * Status callbacks may arrive out of order, so each status has a {@link #rank()}: a later
 * callback never replaces a status of higher rank (a late "sent" does not undo "delivered").
 * Thread-safe.
 */
public enum DeliveryStatus {
    ACCEPTED(0), SCHEDULED(0), QUEUED(0), SENDING(1), SENT(2),
    DELIVERED(3), UNDELIVERED(3), FAILED(3), CANCELED(3), READ(4), PARTIALLY_DELIVERED(3),
    RECEIVING(0), RECEIVED(3);

    private static final java.util.Map<String, DeliveryStatus> BY_NAME = byName();

    private final int rank;

    DeliveryStatus(int rank) {
        this.rank = rank;
    }

    /** Progress order: queued-like 0, sending 1, sent 2, final 3, read 4. */
    public int rank() {
        return rank;
    }

    /** True for statuses after which nothing more happens to an outbound SMS (read aside). */
    public boolean terminal() {
        return rank >= 3;
    }

    /** True for {@link #UNDELIVERED} and {@link #FAILED}. */
    public boolean failure() {
        return this == UNDELIVERED || this == FAILED;
    }

    /** The provider's lower-case name ("delivered", "partially_delivered"). */
    public String providerName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a provider status ("delivered", "UNDELIVERED").
     *
     * @throws InvalidInputException naming field "status" if it is not a known status
     */
    public static DeliveryStatus parse(String status) {
        return find(status).orElseThrow(() -> new InvalidInputException("status",
                "'" + status + "' is not a known delivery status"));
    }

    /** Parses a provider status, or empty if it is unknown or empty. */
    public static Optional<DeliveryStatus> find(String status) {
        if (status == null) {
            return Optional.empty();
        }
        DeliveryStatus s = BY_NAME.get(status); // the common case: the provider's own lower-case name
        if (s == null) {
            s = BY_NAME.get(status.strip().toLowerCase(Locale.ROOT).replace('-', '_'));
        }
        return Optional.ofNullable(s);
    }

    private static java.util.Map<String, DeliveryStatus> byName() {
        java.util.Map<String, DeliveryStatus> m = new java.util.HashMap<>();
        for (DeliveryStatus s : values()) {
            m.put(s.providerName(), s);
        }
        return java.util.Map.copyOf(m);
    }
}
