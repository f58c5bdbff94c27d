package io.consentkit.evidence;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.message.SegmentCalculator;
import io.consentkit.message.SegmentInfo;
import io.consentkit.send.SendLog;
import io.consentkit.support.Masking;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes one evidence pack from a filled {@link EvidenceCollector}: the CSV entries (cells quoted by
 * the journal codec and made spreadsheet-safe) and the HTML summary ({@link EvidenceHtml}). Not
 * thread-safe: one write.
 */
final class EvidenceWriter {
    private static final long MAX_SNAPSHOT_BYTES = 32L << 20;

    private final EvidenceCollector c;
    private final String program;
    private final SendLog sendLog;
    private final Map<String, String> samples;
    private final Map<String, String> replies;
    private final boolean unmasked;
    private final Path snapshotRoot;
    private final Instant created;
    private final List<String> entries = new ArrayList<>();
    /** Reference index to the pack path of its snapshot file and its SHA-256. */
    private final Map<Integer, String[]> included = new LinkedHashMap<>();
    private int samplesFound;

    EvidenceWriter(EvidenceCollector c, String program, SendLog sendLog, Map<String, String> samples,
                   Map<String, String> replies, boolean unmasked, Path snapshotRoot, Instant created) {
        this.c = c;
        this.program = program;
        this.sendLog = sendLog;
        this.samples = samples;
        this.replies = replies;
        this.unmasked = unmasked;
        this.snapshotRoot = snapshotRoot;
        this.created = created;
    }

    boolean unmasked() {
        return unmasked;
    }

    String phone(String e164) {
        return unmasked ? e164 : Masking.phone(e164);
    }

    void write(OutputStream raw) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(raw, StandardCharsets.UTF_8);
        snapshots(zip);
        List<String[]> texts = new ArrayList<>();
        for (EvidenceCollector.TextUse t : c.texts.values()) {
            texts.add(new String[]{Integer.toString(t.number), t.text, t.first.toString(), t.last.toString(),
                Integer.toString(t.uses), String.join(" ", t.methods)});
        }
        csv(zip, "consent-texts.csv", new String[]{"text_no", "text", "first_use", "last_use", "uses", "methods"}, texts);
        List<String[]> consents = new ArrayList<>();
        for (ConsentRecord r : c.current.values()) {
            ConsentRecord first = c.firstRow.get(r.consentId());
            EvidenceCollector.TextUse t = c.texts.get(first.consentMessage());
            consents.add(new String[]{r.consentId(), phone(r.phoneNumber().e164()),
                r.optInMethod().isEmpty() ? "(suppression)" : r.optInMethod(), first.timestamp().toString(),
                r.status().journalName(), r.revokedAt() == null ? "" : r.revokedAt().toString(), r.revokedMethod(),
                t == null ? "" : Integer.toString(t.number), r.channel()});
        }
        csv(zip, "consents.csv", new String[]{"consent_id", "phone_number", "opt_in_method", "given_at", "status",
            "revoked_at", "revoked_method", "text_no", "channel"}, consents);
        List<String[]> refs = new ArrayList<>();
        for (int i = 0; i < c.references.size(); i++) {
            EvidenceCollector.Reference ref = c.references.get(i);
            String[] file = included.get(i);
            refs.add(new String[]{ref.consentId(), ref.at().toString(), phone(ref.phone()), ref.kind(), ref.value(),
                file == null ? "" : file[0], file == null ? "" : file[1]});
        }
        csv(zip, "evidence.csv", new String[]{"consent_id", "at", "phone_number", "kind", "value", "included_file",
            "included_sha256"}, refs);
        List<String[]> sends = new ArrayList<>();
        for (EvidenceCollector.SendGroup g : c.sends.values()) {
            sends.add(new String[]{g.templateId, g.category, g.bodyDigest, Integer.toString(g.sends),
                Integer.toString(g.minSegments), Integer.toString(g.maxSegments), g.first.toString(), g.last.toString()});
        }
        csv(zip, "sends.csv", new String[]{"template_id", "category", "body_digest", "sends", "min_segments",
            "max_segments", "first_sent", "last_sent"}, sends);
        csv(zip, "samples.csv", new String[]{"name", "text", "encoding", "segments", "sends", "first_sent",
            "last_sent"}, sampleRows());
        csv(zip, "replies.csv", new String[]{"keyword", "text", "encoding", "segments", "opt_outs_by_keyword"},
                replyRows());
        List<String[]> months = new ArrayList<>();
        c.byMonth.forEach((m, methods) -> methods.forEach((method, n) -> months.add(new String[]{m.toString(), method,
            Integer.toString(n[0]), Integer.toString(n[1])})));
        csv(zip, "counts-by-month.csv", new String[]{"month", "method", "opt_ins", "opt_outs"}, months);
        String html = new EvidenceHtml(this, c, program, created, texts, consents.size(), refs, sends, sampleRows(),
                replyRows(), months).render();
        entry(zip, "index.html", html.getBytes(StandardCharsets.UTF_8));
        zip.finish();
        zip.flush();
    }

    /** Rows of samples.csv: every sample, with the sends whose digest matches it (0 when none did). */
    List<String[]> sampleRows() {
        List<String[]> rows = new ArrayList<>();
        int found = 0;
        for (Map.Entry<String, String> s : samples.entrySet()) {
            SegmentInfo info = SegmentCalculator.analyze(s.getValue());
            int n = 0;
            Instant first = null;
            Instant last = null;
            if (sendLog != null) {
                for (EvidenceCollector.SendGroup g : c.sendsWithDigest(sendLog.bodyDigest(s.getValue()))) {
                    n += g.sends;
                    first = first == null || g.first.isBefore(first) ? g.first : first;
                    last = last == null || g.last.isAfter(last) ? g.last : last;
                }
            }
            found += n > 0 ? 1 : 0;
            rows.add(new String[]{s.getKey(), s.getValue(), info.encoding().name(), Integer.toString(info.segments()),
                Integer.toString(n), first == null ? "" : first.toString(), last == null ? "" : last.toString()});
        }
        samplesFound = found;
        return rows;
    }

    private List<String[]> replyRows() {
        int stops = 0;
        for (ConsentRecord r : c.current.values()) {
            if (RevocationMethod.STOP_KEYWORD.equals(r.revokedMethod())) {
                stops++;
            }
        }
        List<String[]> rows = new ArrayList<>();
        for (Map.Entry<String, String> e : replies.entrySet()) {
            SegmentInfo info = SegmentCalculator.analyze(e.getValue());
            boolean stop = e.getKey().equalsIgnoreCase("STOP");
            rows.add(new String[]{e.getKey(), e.getValue(), info.encoding().name(), Integer.toString(info.segments()),
                stop ? Integer.toString(stops) : ""});
        }
        return rows;
    }

    /** Copies the snapshot files the references name that lie inside the snapshot root. */
    private void snapshots(ZipOutputStream zip) throws IOException {
        if (snapshotRoot == null) {
            return;
        }
        Map<Path, String[]> done = new LinkedHashMap<>();
        for (int i = 0; i < c.references.size(); i++) {
            Path file = resolve(c.references.get(i).value());
            if (file == null) {
                continue;
            }
            String[] packed = done.get(file);
            if (packed == null) {
                byte[] bytes = Files.readAllBytes(file);
                String name = "snapshots/" + (done.size() + 1) + "-" + file.getFileName();
                packed = new String[]{name, sha256(bytes)};
                entry(zip, name, bytes);
                done.put(file, packed);
            }
            included.put(i, packed);
        }
    }

    /** The regular file inside the snapshot root a reference value names, or null. */
    private Path resolve(String value) {
        try {
            Path p;
            if (value.startsWith("file:")) {
                p = Path.of(URI.create(value));
            } else if (value.contains(":") || value.startsWith("/") || value.startsWith("\\")) {
                return null;
            } else {
                p = snapshotRoot.resolve(value);
            }
            p = p.toAbsolutePath().normalize();
            if (!p.startsWith(snapshotRoot) || !Files.isRegularFile(p) || Files.size(p) > MAX_SNAPSHOT_BYTES) {
                return null;
            }
            return p;
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException | IOException e) {
            return null;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    private void csv(ZipOutputStream zip, String name, String[] header, List<String[]> rows) throws IOException {
        StringBuilder sb = new StringBuilder(256 + rows.size() * 96);
        line(sb, header);
        for (String[] row : rows) {
            line(sb, row);
        }
        entry(zip, name, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void line(StringBuilder sb, String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            JournalCodec.appendCell(sb, JournalCodec.formulaSafe(cells[i]));
        }
        sb.append('\n');
    }

    private void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setLastModifiedTime(FileTime.from(created));
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
        entries.add(name);
    }

    EvidenceSummary summary(Path file) {
        return new EvidenceSummary(file, program, c.texts.size(), c.current.size(), c.references.size(),
                (int) included.values().stream().distinct().count(), c.sendEntries, samplesFound, entries);
    }
}
