package io.consentkit.retention;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ErasureKey;
import io.consentkit.journal.Redaction;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.store.JournalRewrite;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The journal half of an {@link Erasure}: finds the erased people's rows (first pass), refuses an
 * unknown number, redacts their rows in place (second pass) and appends the revocations of their
 * live consents and one erasure row per person. Collects the personal values it removed, so the
 * quarantine files can be searched for them. Not thread-safe: one rewrite.
 */
final class ErasureRewrite implements JournalRewrite {
    /** Metadata values shorter than this are not searched for in quarantine files (too common). */
    private static final int MIN_NEEDLE = 4;

    private final Map<String, PhoneNumber> numbers = new LinkedHashMap<>();
    private final Map<String, String> hashes = new HashMap<>();
    private final ErasureKey key;
    private final String reason;
    private final Instant now;
    private final PhoneNumber redacted;
    private final String fields;
    /** Per number: consent id to its last row. */
    private final Map<String, Map<String, ConsentRecord>> rows = new LinkedHashMap<>();
    private final Map<String, Integer> rowCounts = new HashMap<>();
    private final Set<String> erasedBefore = new LinkedHashSet<>();
    private final Set<String> needles = new LinkedHashSet<>();
    private int redactedRows;
    private int revoked;

    ErasureRewrite(Collection<PhoneNumber> erase, ErasureKey key, String reason, Instant now, PhoneNumber redacted,
                   String fields) {
        for (PhoneNumber n : erase) {
            numbers.put(n.e164(), n);
            hashes.put(key.hash(n), n.e164());
            needles.add(n.e164());
            needles.add(n.e164().substring(1));
            if (n.e164().length() > 11) {
                needles.add(n.e164().substring(n.e164().length() - 10));
            }
        }
        this.key = key;
        this.reason = reason;
        this.now = now;
        this.redacted = redacted;
        this.fields = fields;
    }

    @Override
    public void inspect(ConsentRecord row) {
        String e164 = row.phoneNumber().e164();
        if (numbers.containsKey(e164)) {
            rows.computeIfAbsent(e164, k -> new LinkedHashMap<>()).put(row.consentId(), row);
            rowCounts.merge(e164, 1, Integer::sum);
            for (String v : List.of(row.customerId(), row.customerName(), row.customerEmail(), row.ipAddress(),
                    row.screenshotUrl())) {
                if (!v.isEmpty()) {
                    needles.add(v);
                }
            }
            row.metadata().values().forEach(v -> {
                if (v.length() >= MIN_NEEDLE) {
                    needles.add(v);
                }
            });
        } else if (Redaction.isErasure(row)) {
            String e = hashes.get(row.metadata().get(Redaction.NUMBER_HASH));
            if (e != null) {
                erasedBefore.add(e);
            }
        }
    }

    @Override
    public boolean check() {
        for (PhoneNumber n : numbers.values()) {
            if (!rows.containsKey(n.e164()) && !erasedBefore.contains(n.e164())) {
                throw new InvalidInputException("phone", n.masked() + " has no rows in the journal and was not "
                        + "erased before; nothing was changed");
            }
        }
        return !rows.isEmpty();
    }

    @Override
    public ConsentRecord replace(ConsentRecord row) {
        if (!numbers.containsKey(row.phoneNumber().e164())) {
            return null;
        }
        redactedRows++;
        return redact(row);
    }

    private ConsentRecord redact(ConsentRecord r) {
        Map<String, String> md = new LinkedHashMap<>();
        r.metadata().forEach((k, v) -> md.put(k, v.isEmpty() ? "" : Redaction.MARKER));
        return new ConsentRecord(r.consentId(), r.timestamp(), redacted, r.optInMethod(), r.consentMessage(),
                m(r.customerId()), m(r.customerName()), m(r.customerEmail()), m(r.ipAddress()), m(r.screenshotUrl()),
                md, r.status(), r.revokedAt(), r.revokedMethod(), r.program(), r.brand(), r.channel());
    }

    private static String m(String v) {
        return v.isEmpty() ? "" : Redaction.MARKER;
    }

    @Override
    public List<ConsentRecord> appended() {
        List<ConsentRecord> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, ConsentRecord>> n : rows.entrySet()) {
            List<String> ids = new ArrayList<>(n.getValue().keySet());
            for (ConsentRecord last : n.getValue().values()) {
                if (last.status() == ConsentStatus.ACTIVE || last.status() == ConsentStatus.PENDING) {
                    out.add(redact(last.withStatus(ConsentStatus.REVOKED, now, Redaction.METHOD, Map.of())));
                    revoked++;
                }
            }
            String hash = key.hash(numbers.get(n.getKey()));
            Map<String, String> md = new LinkedHashMap<>();
            md.put(Redaction.NUMBER_HASH, hash);
            md.put(Redaction.FIELDS, fields);
            md.put(Redaction.CONSENT_IDS, String.join(" ", ids));
            md.put(Redaction.ROWS, Integer.toString(rowCounts.get(n.getKey())));
            md.put(Redaction.REASON, reason);
            String id = "erasure-" + hash.substring(ErasureKey.PREFIX.length(), ErasureKey.PREFIX.length() + 16)
                    + "-" + Long.toString(now.toEpochMilli(), 36);
            out.add(new ConsentRecord(id, now, redacted, "", "", "", "", "", "", "", md, ConsentStatus.REVOKED, now,
                    Redaction.METHOD));
        }
        return out;
    }

    Set<String> needles() {
        return needles;
    }

    int redactedRows() {
        return redactedRows;
    }

    int revoked() {
        return revoked;
    }

    int alreadyErased() {
        int n = 0;
        for (String e : erasedBefore) {
            n += rows.containsKey(e) ? 0 : 1;
        }
        return n;
    }
}
