package io.consentkit.consent;

import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumber;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A scoped revocation for {@link ConsentTracker#revoke(RevocationRequest)}: who, what it covers, the
 * channel it arrived by (revocation "by any reasonable means", 47 CFR 64.1200(a)(10)), how, and the
 * evidence. Immutable and thread-safe.
 *
 * @param phone    the number
 * @param scope    what it revokes
 * @param channel  the channel it arrived by (written in the rows' {@code channel} column)
 * @param method   how it was revoked, e.g. {@link io.consentkit.journal.RevocationMethod#STOP_KEYWORD}
 * @param notes    optional free text (metadata {@code revoke_notes}); null or blank for none
 * @param evidence extra evidence (inbound message SID, body, the sender it reached...), kept in metadata
 *                 with the prefix {@code revoke_}; null for none
 */
public record RevocationRequest(PhoneNumber phone, RevocationScope scope, ConsentChannel channel, String method,
                                String notes, Map<String, String> evidence) {
    public RevocationRequest {
        Objects.requireNonNull(phone, "phone");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(channel, "channel");
        method = InvalidInputException.requireText("revoked_method", method);
        notes = notes == null || notes.isBlank() ? "" : notes.strip();
        evidence = evidence == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    /** A request with no notes or evidence. */
    public static RevocationRequest of(PhoneNumber phone, RevocationScope scope, ConsentChannel channel, String method) {
        return new RevocationRequest(phone, scope, channel, method, "", Map.of());
    }
}
