package io.consentkit.web.console;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.revocation.RevocationRequest;
import io.consentkit.send.SendLogEntry;

import java.util.List;
import java.util.Objects;

/**
 * One number as the console shows it. Immutable and thread-safe; {@link #toString()} masks the number.
 *
 * @param phone       the number
 * @param status      its most relevant record in the default program (the tracker's {@code status}), or null
 * @param active      whether it may be texted in the default program now
 * @param optedOut    whether its last word in the default program was an opt-out
 * @param rows        every journal row of it, oldest first, each with its evidence (method, exact text,
 *                    IP, screenshot URL, metadata with message SIDs, program, brand, channel, revocation)
 * @param sends       the send-log entries for it (the newest {@link ConsoleSendLog#PER_RECIPIENT}), oldest first
 * @param revocations the revocation requests naming it
 */
public record Timeline(PhoneNumber phone, ConsentRecord status, boolean active, boolean optedOut,
                       List<ConsentRecord> rows, List<SendLogEntry> sends, List<RevocationRequest> revocations) {
    public Timeline {
        Objects.requireNonNull(phone, "phone");
        rows = List.copyOf(rows);
        sends = List.copyOf(sends);
        revocations = List.copyOf(revocations);
    }

    @Override
    public String toString() {
        return "Timeline[" + phone.masked() + ", " + rows.size() + " rows, " + sends.size() + " sends]";
    }
}
