package io.consentkit.retention;

import io.consentkit.phone.PhoneNumber;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A person whose proof has outlived the {@link RetentionPolicy}: every consent of the number has
 * ended and neither it nor a send to the number was relied on within the kept period. Immutable and
 * thread-safe; {@link #toString} masks the number.
 *
 * @param phoneNumber  the number
 * @param consentIds   its consents (and suppressions), in journal order
 * @param lastReliedOn the latest of the consents' ends and the sends to the number
 * @param keepUntil    when the last of its proof stopped being needed (at or before the policy's now)
 */
public record RetentionCandidate(PhoneNumber phoneNumber, List<String> consentIds, Instant lastReliedOn,
                                 Instant keepUntil) {
    public RetentionCandidate {
        Objects.requireNonNull(phoneNumber, "phoneNumber");
        consentIds = List.copyOf(consentIds);
        Objects.requireNonNull(lastReliedOn, "lastReliedOn");
        Objects.requireNonNull(keepUntil, "keepUntil");
    }

    @Override
    public String toString() {
        return "RetentionCandidate[" + phoneNumber.masked() + ", " + consentIds.size() + " consent(s), last relied on "
                + lastReliedOn + ", kept until " + keepUntil + "]";
    }
}
