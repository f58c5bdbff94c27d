package io.consentkit.evidence;

import io.consentkit.consent.Programs;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.send.SendLog;
import io.consentkit.send.SendLogEntry;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One pass over a program's journal rows and send log entries, keeping what the evidence pack
 * shows: distinct consent texts with first and last use, the evidence references of each opt-in,
 * the current state of each consent, opt-ins and opt-outs by method and month (UTC), and the sends
 * grouped by template and body digest. Not thread-safe: one pack at a time.
 */
final class EvidenceCollector {
    /** One distinct consent text. */
    static final class TextUse {
        final String text;
        final int number;
        Instant first;
        Instant last;
        int uses;
        final TreeSet<String> methods = new TreeSet<>();

        TextUse(String text, int number) {
            this.text = text;
            this.number = number;
        }
    }

    /** One evidence reference of an opt-in: a screenshot URL, a snapshot, the served page's digest. */
    record Reference(String consentId, Instant at, String phone, String kind, String value) {
    }

    /** The sends of one template and body digest. */
    static final class SendGroup {
        final String templateId;
        final String bodyDigest;
        final String category;
        int sends;
        int minSegments = Integer.MAX_VALUE;
        int maxSegments;
        Instant first;
        Instant last;

        SendGroup(String templateId, String bodyDigest, String category) {
            this.templateId = templateId;
            this.bodyDigest = bodyDigest;
            this.category = category;
        }
    }

    private final Programs programs;
    private final String program;
    final Map<String, TextUse> texts = new LinkedHashMap<>();
    final List<Reference> references = new ArrayList<>();
    /** Consent id to its current (last) row, in order of first appearance. */
    final Map<String, ConsentRecord> current = new LinkedHashMap<>();
    /** Consent id to its first row (when it was given and with what evidence). */
    final Map<String, ConsentRecord> firstRow = new HashMap<>();
    /** Month to method to [opt-ins, opt-outs]; the opt-out "method" is the revocation method. */
    final TreeMap<YearMonth, TreeMap<String, int[]>> byMonth = new TreeMap<>();
    final Map<String, SendGroup> sends = new LinkedHashMap<>();
    long rows;
    long sendEntries;

    EvidenceCollector(Programs programs, String program) {
        this.programs = programs;
        this.program = program;
    }

    /** Feeds one journal row (rows of other programs are skipped). */
    void row(ConsentRecord r) {
        if (!programs.covers(r, program)) {
            return;
        }
        rows++;
        ConsentRecord before = current.put(r.consentId(), r);
        firstRow.putIfAbsent(r.consentId(), r);
        ConsentStatus previous = before == null ? null : before.status();
        boolean grant = !r.optInMethod().isEmpty()
                && (r.status() == ConsentStatus.ACTIVE || r.status() == ConsentStatus.PENDING);
        if (grant && !r.consentMessage().isEmpty()) {
            TextUse t = texts.computeIfAbsent(r.consentMessage(), k -> new TextUse(k, texts.size() + 1));
            t.uses++;
            t.methods.add(r.optInMethod());
            t.first = t.first == null || r.timestamp().isBefore(t.first) ? r.timestamp() : t.first;
            t.last = t.last == null || r.timestamp().isAfter(t.last) ? r.timestamp() : t.last;
        }
        if (r.status() == ConsentStatus.ACTIVE && previous != ConsentStatus.ACTIVE) {
            count(r.timestamp(), r.optInMethod(), 0);
            references(r);
        } else if (r.status() == ConsentStatus.REVOKED && previous != ConsentStatus.REVOKED) {
            Instant at = r.revokedAt() != null ? r.revokedAt() : r.timestamp();
            count(at, r.revokedMethod().isEmpty() ? "(unspecified)" : r.revokedMethod(), 1);
        }
    }

    private void count(Instant at, String method, int which) {
        YearMonth month = YearMonth.from(at.atOffset(ZoneOffset.UTC));
        byMonth.computeIfAbsent(month, k -> new TreeMap<>())
                .computeIfAbsent(method.isEmpty() ? "(suppression)" : method, k -> new int[2])[which]++;
    }

    private void references(ConsentRecord r) {
        String phone = r.phoneNumber().e164();
        if (!r.screenshotUrl().isEmpty()) {
            references.add(new Reference(r.consentId(), r.timestamp(), phone, "screenshot_url", r.screenshotUrl()));
        }
        r.metadata().forEach((k, v) -> {
            if (!v.isEmpty() && isEvidenceKey(k)) {
                references.add(new Reference(r.consentId(), r.timestamp(), phone, k, v));
            }
        });
    }

    /**
     * True for a metadata key that names opt-in page evidence: a snapshot, a screenshot, the digest
     * of the served page, or the page's URL.
     */
    static boolean isEvidenceKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("snapshot") || k.contains("screenshot") || k.contains("sha256")
                || k.equals("form_url") || k.equals("page_url") || k.equals("opt_in_url");
    }

    /** Feeds the send log's entries of this program (an entry naming no program counts for the default). */
    void sends(SendLog log) {
        String defaultProgram = programs.defaultProgram().name();
        for (SendLogEntry e : log.entries()) {
            String p = e.program().isEmpty() ? defaultProgram : e.program();
            if (!p.equals(program) || !e.mayHaveSent()) {
                continue;
            }
            sendEntries++;
            String key = e.templateId() + '\u0000' + e.bodySha256();
            SendGroup g = sends.computeIfAbsent(key, k -> new SendGroup(e.templateId(), e.bodySha256(),
                    e.category().label()));
            g.sends++;
            g.minSegments = Math.min(g.minSegments, e.segments());
            g.maxSegments = Math.max(g.maxSegments, e.segments());
            g.first = g.first == null || e.time().isBefore(g.first) ? e.time() : g.first;
            g.last = g.last == null || e.time().isAfter(g.last) ? e.time() : g.last;
        }
    }

    /** The send group of {@code digest}, if any send had it. */
    List<SendGroup> sendsWithDigest(String digest) {
        List<SendGroup> out = new ArrayList<>();
        for (SendGroup g : sends.values()) {
            if (g.bodyDigest.equals(digest)) {
                out.add(g);
            }
        }
        return out;
    }

    /** Totals over every month: method to [opt-ins, opt-outs]. */
    Map<String, int[]> byMethod() {
        TreeMap<String, int[]> out = new TreeMap<>();
        byMonth.values().forEach(m -> m.forEach((method, c) -> {
            int[] t = out.computeIfAbsent(method, k -> new int[2]);
            t[0] += c[0];
            t[1] += c[1];
        }));
        return out;
    }
}
