package io.consentkit.send;

import io.consentkit.support.Masking;
import io.consentkit.InvalidInputException;
import io.consentkit.internal.AppendOnlyFile;
import io.consentkit.journal.JournalCodec;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A durable, append-only send log in one CSV file, with the consent journal's guarantees: every
 * {@link #record} and {@link #recordStatus} returns after its row is written and forced
 * (concurrent writers share one force); the file is locked against a second writer; a row cut
 * short by a crash is moved to a {@code .torn-<millis>} file on open.
 *
 * <p>Rows are never rewritten. A delivery status is an extra {@code status} row naming the
 * provider id; {@link #entries()} and {@link #find} fold the latest status into the decision row
 * (a status of lower rank arriving late does not replace a higher one).
 *
 * <p>Columns ({@link #HEADER}): {@code row_type} ({@code decision} or {@code status}),
 * {@code time}, {@code decision}, {@code reason}, {@code to} (masked), {@code category},
 * {@code template_id}, {@code body_digest}, {@code body_length}, {@code segments},
 * {@code estimated_cost}, {@code currency}, {@code provider_id}, {@code error_code}, {@code detail}, {@code until},
 * {@code gateway}, {@code status}, {@code status_error_code}, {@code recipient_key} (the keyed digest
 * of the number, {@link #recipientKey}), {@code attempts} (the calls of a failover chain,
 * {@link GatewayAttempt#encode}), {@code program} (the consent program), {@code consent_id} (the consent
 * a consent-gated send relied on), {@code correlation_id} (the app's own id) and {@code subject_key}
 * (the keyed digest of number and subject of a send the per-subject caps counted, {@link #subjectKey}). A status row fills
 * {@code time}, {@code provider_id}, {@code status} and {@code status_error_code}. A log with an
 * earlier header is read and appended to in its own columns: {@link #V3_HEADER} without the last
 * one, {@link #V2_HEADER} without the last four;
 * {@link #V1_HEADER} and {@link #LEGACY_HEADER} also without {@code recipient_key} and {@code attempts}, so
 * a sender over it rebuilds its global limits from the log, but not the per-recipient ones.
 *
 * <p>Thread-safe. Reads parse the whole file: meant for audits and tools, not the send path.
 */
public final class CsvSendLog implements SendLog {
    /** The header line. */
    public static final String HEADER = "row_type,time,decision,reason,to,category,template_id,body_digest,"
            + "body_length,segments,estimated_cost,currency,provider_id,error_code,detail,until,gateway,status,"
            + "status_error_code,recipient_key,attempts,program,consent_id,correlation_id,subject_key";
    /**
     * The header of logs written before the {@code subject_key} column. Such logs are read and
     * appended to as they are (a sender over one does not rebuild the per-subject caps from it).
     */
    public static final String V3_HEADER = HEADER.replace(",subject_key", "");
    /**
     * The header of logs written before the {@code program}, {@code consent_id} and
     * {@code correlation_id} columns. Such logs are read and appended to as they are.
     */
    public static final String V2_HEADER = V3_HEADER.replace(",program,consent_id,correlation_id", "");
    /**
     * The header of logs written before the {@code recipient_key} and {@code attempts} columns. Such
     * logs are read and appended to as they are.
     */
    public static final String V1_HEADER = V2_HEADER.replace(",recipient_key,attempts", "");
    /**
     * The header of logs written before body digests were keyed: the {@link #V1_HEADER} columns, the
     * digest column named {@code body_sha256}. Such logs are read and appended to as they are.
     */
    public static final String LEGACY_HEADER = V1_HEADER.replace(",body_digest,", ",body_sha256,");

    private static final int COLUMNS = HEADER.split(",").length;
    private static final int V3_COLUMNS = V3_HEADER.split(",").length;
    private static final int V2_COLUMNS = V2_HEADER.split(",").length;
    private static final int V1_COLUMNS = V1_HEADER.split(",").length;
    private static final List<String> HEADERS = List.of(HEADER, V3_HEADER, V2_HEADER, V1_HEADER, LEGACY_HEADER);
    private static final String WHAT = "send log";
    private static final AppendOnlyFile.Errors ERRORS = new AppendOnlyFile.Errors() {
        @Override
        public RuntimeException locked(String message) {
            return new SendLogException(message);
        }

        @Override
        public RuntimeException io(String message, Throwable cause) {
            return new SendLogException(message, cause);
        }
    };

    private final AppendOnlyFile file;
    private final BodyDigestKey key;
    /** Columns of this file's rows: {@link #COLUMNS}, or {@link #V1_COLUMNS} for an earlier header. */
    private final int columns;

    private CsvSendLog(Path path, Duration lockTimeout, Clock clock) {
        this.file = AppendOnlyFile.open(path, WHAT, HEADER, HEADERS, lockTimeout,
                clock, AppendOnlyFile.DEFAULT_OPENER, ERRORS); // refuses any other header before touching the file
        String header = file.headerLine();
        this.columns = columnsOf(header);
        try {
            // the key is read or created under the log's lock, so two openers never make two keys
            this.key = BodyDigestKey.load(file.file(), Files.exists(BodyDigestKey.keyFile(file.file()))
                    || !holdsKeyedDigests());
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** A read-only view: no lock, nothing created; the key is read only if its file exists. */
    private CsvSendLog(Path path) {
        this.file = AppendOnlyFile.openReadOnly(path, WHAT, HEADER, HEADERS, ERRORS);
        String header = file.headerLine();
        this.columns = columnsOf(header);
        try {
            this.key = Files.exists(BodyDigestKey.keyFile(file.file())) ? BodyDigestKey.load(file.file(), false) : null;
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static int columnsOf(String header) {
        return header == null || header.equals(HEADER) ? COLUMNS : header.equals(V3_HEADER) ? V3_COLUMNS
                : header.equals(V2_HEADER) ? V2_COLUMNS : V1_COLUMNS;
    }

    private boolean holdsKeyedDigests() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(file.read(), StandardCharsets.UTF_8), 1 << 16)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.contains(BodyDigestKey.PREFIX)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw file.readFailure(e);
        }
    }

    /** Opens (or creates, with its folder) the send log at {@code path}. */
    public static CsvSendLog open(Path path) {
        return open(path, Duration.ofSeconds(5), Clock.systemUTC());
    }

    /**
     * Opens (or creates) the send log at {@code path}.
     *
     * @param lockTimeout how long to wait for another writer's lock
     * @param clock       names quarantine files
     * @throws SendLogException if it is locked, unreadable or not a send log
     */
    public static CsvSendLog open(Path path, Duration lockTimeout, Clock clock) {
        if (path == null) {
            throw new InvalidInputException("path", "is null");
        }
        if (lockTimeout == null || lockTimeout.isNegative()) {
            throw new InvalidInputException("lockTimeout", "must be zero or positive");
        }
        return new CsvSendLog(path, lockTimeout, Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Opens the existing send log at {@code path} for reading only, for audits and tools: no lock is
     * taken (a sender may be writing it meanwhile), nothing is created, repaired or written; the view
     * is the complete rows present now. {@link #record} and {@link #recordStatus} throw
     * {@link SendLogException}, and so does {@link #bodyDigest} when the log has no key file.
     *
     * @throws SendLogException if it does not exist, cannot be read or is not a send log
     */
    public static CsvSendLog openReadOnly(Path path) {
        if (path == null) {
            throw new InvalidInputException("path", "is null");
        }
        return new CsvSendLog(path);
    }

    /** True if this log was opened with {@link #openReadOnly}. */
    public boolean isReadOnly() {
        return file.isReadOnly();
    }

    /** The file. */
    public Path file() {
        return file.file();
    }

    /** The sidecar file holding this log's digest key ({@code <log>.key}). */
    public Path keyFile() {
        return BodyDigestKey.keyFile(file.file());
    }

    /**
     * The keyed digest this log records for {@code body}: {@code hmac-sha256:} and the lower-case hex
     * HMAC-SHA256 of its UTF-8 bytes under this log's secret. Equal bodies give equal digests in
     * this log; without the key file the digest reveals nothing about a short body.
     */
    @Override
    public String bodyDigest(String body) {
        Objects.requireNonNull(body, "body");
        if (key == null) {
            throw new SendLogException("send log " + file.file() + " is open read-only and has no key file "
                    + keyFile() + ": its digests cannot be computed here");
        }
        return key.digest(body);
    }

    /**
     * The keyed digest this log records for the recipient {@code e164} (column {@code recipient_key}):
     * the HMAC-SHA256, under this log's secret, of {@code "recipient:" + e164}, so the log can
     * rebuild per-recipient limits without holding the number.
     */
    @Override
    public String recipientKey(String e164) {
        return key.digest("recipient:" + Objects.requireNonNull(e164, "e164"));
    }

    /**
     * True if rows of this file carry the recipient key and attempts (its header is {@link #HEADER} or
     * {@link #V2_HEADER}).
     */
    public boolean hasRecipientKeys() {
        return columns >= V2_COLUMNS;
    }

    /**
     * Erasure: rewrites the log whole (a new file beside it, forced, moved over it atomically, the
     * folder forced: a crash leaves the old or the new file) with the decision rows sent to any of
     * {@code e164s} redacted ({@link SendLogRedaction}: number, body digest, detail, recipient key and correlation id
     * replaced by {@code marker} or emptied). Rows written before the {@code recipient_key} column name
     * no recipient and stay as they are. Closes this log, whose file was replaced: open it again to go on.
     *
     * @return the rows redacted (0: the file was not touched)
     * @throws SendLogException if the log is read-only or cannot be rewritten (then it is unchanged)
     */
    public int redactRecipients(java.util.Collection<String> e164s, String marker) {
        try {
            if (isReadOnly()) {
                throw new SendLogException("send log " + file.file() + " is open read-only: it cannot be redacted");
            }
            java.util.Set<String> keys = new java.util.HashSet<>();
            e164s.forEach(n -> keys.add(recipientKey(n)));
            return SendLogRedaction.run(file.read(), file.file(), keys, marker);
        } catch (IOException e) {
            throw new SendLogException("cannot redact send log " + file.file() + ": " + e.getMessage()
                    + "; it was not replaced", e);
        } finally {
            close();
        }
    }

    /** Where a torn last row found on open was moved, if one was. */
    public Optional<Path> quarantined() {
        return Optional.ofNullable(file.quarantined());
    }

    @Override
    public void record(SendLogEntry e) {
        String[] cells = {
            "decision", e.time().toString(), e.decision().name().toLowerCase(java.util.Locale.ROOT), e.reason(), e.to(),
            e.category().label(), e.templateId(), e.bodySha256(), Integer.toString(e.bodyLength()),
            Integer.toString(e.segments()), e.estimatedCost() == null ? "" : e.estimatedCost().toPlainString(),
            e.currency(), e.providerId(), e.errorCode() == 0 ? "" : Integer.toString(e.errorCode()), e.detail(),
            e.until() == null ? "" : e.until().toString(), e.gateway(),
            e.status() == null ? "" : e.status().providerName(),
            e.statusErrorCode() == 0 ? "" : Integer.toString(e.statusErrorCode()),
            e.recipientKey(), GatewayAttempt.encode(e.attempts()), e.program(), e.consentId(), e.correlationId(),
            e.subjectKey(),
        };
        write(cells);
    }

    @Override
    public void recordStatus(DeliveryUpdate u) {
        String[] cells = new String[COLUMNS];
        java.util.Arrays.fill(cells, "");
        cells[0] = "status";
        cells[1] = u.at().toString();
        cells[12] = u.providerId();
        cells[17] = u.status().providerName();
        cells[18] = u.errorCode() == 0 ? "" : Integer.toString(u.errorCode());
        write(cells);
    }

    private void write(String[] cells) {
        StringBuilder sb = new StringBuilder(256);
        for (int i = 0; i < columns; i++) {
            if (i > 0) {
                sb.append(',');
            }
            JournalCodec.appendCell(sb, cells[i]);
        }
        sb.append('\n');
        file.append(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public List<SendLogEntry> entries() {
        List<SendLogEntry> decisions = new ArrayList<>();
        Map<String, DeliveryUpdate> latest = new HashMap<>();
        read(decisions::add, u -> latest.merge(u.providerId(), u,
                (old, nu) -> nu.status().rank() >= old.status().rank() ? nu : old));
        List<SendLogEntry> out = new ArrayList<>(decisions.size());
        for (SendLogEntry e : decisions) {
            DeliveryUpdate u = e.providerId().isEmpty() ? null : latest.get(e.providerId());
            out.add(u == null ? e : e.withStatus(u));
        }
        return out;
    }

    @Override
    public Optional<SendLogEntry> find(String providerId) {
        Objects.requireNonNull(providerId, "providerId");
        for (SendLogEntry e : entries()) {
            if (providerId.equals(e.providerId())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * Streams the decision rows from {@code from} on, in file order, without folding statuses in or
     * holding the file in memory: what a sender reads at start to rebuild its limits.
     */
    @Override
    public void replay(Instant from, java.util.function.Consumer<SendLogEntry> sink) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(sink, "sink");
        read(e -> {
            if (!e.time().isBefore(from)) {
                sink.accept(e);
            }
        }, u -> { });
    }

    private void read(java.util.function.Consumer<SendLogEntry> decisions,
                      java.util.function.Consumer<DeliveryUpdate> statuses) {
        String source = file.file().getFileName().toString();
        try (InputStream in = file.read();
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
             CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
            long line = 2;
            var it = parser.iterator();
            while (true) {
                CSVRecord r;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    r = it.next();
                } catch (UncheckedIOException e) {
                    throw new SendLogException(source + " line " + parser.getCurrentLineNumber() + ": not valid CSV ("
                            + e.getCause().getMessage() + ")", e);
                }
                if (r.size() != columns) {
                    throw new SendLogException(source + " line " + line + ": has " + r.size() + " fields, expected "
                            + columns);
                }
                Row row = new Row(r, source, line);
                switch (r.get(0)) {
                    case "decision" -> decisions.accept(row.decision());
                    case "status" -> statuses.accept(row.status());
                    default -> throw new SendLogException(source + " line " + line + ": row_type '"
                            + truncate(r.get(0)) + "' is not decision or status");
                }
                line = parser.getCurrentLineNumber() + 1;
            }
        } catch (IOException e) {
            throw file.readFailure(e);
        }
    }

    /** Reads one row's cells with errors naming the line and column. */
    private record Row(CSVRecord r, String source, long line) {
        SendLogEntry decision() {
            String d = r.get(2);
            SendLogEntry.Decision decision;
            MessageCategory category;
            try {
                decision = SendLogEntry.Decision.valueOf(d.toUpperCase(java.util.Locale.ROOT));
                category = MessageCategory.named(r.get(5));
            } catch (IllegalArgumentException | io.consentkit.InvalidInputException e) {
                throw fail("decision/category", "'" + truncate(d) + "/" + truncate(r.get(5)) + "' is not known");
            }
            String status = r.get(17);
            Instant time = time(1, true);
            boolean v2 = r.size() > V1_COLUMNS;
            boolean v3 = r.size() > V2_COLUMNS;
            boolean v4 = r.size() > V3_COLUMNS;
            return new SendLogEntry(time, decision, r.get(3), r.get(4), category, r.get(6), r.get(7),
                    integer(8), integer(9), cost(), r.get(11), r.get(12), integer(13), r.get(14), time(15, false),
                    r.get(16), status.isEmpty() ? null : DeliveryStatus.find(status).orElseThrow(() -> fail("status",
                            "'" + truncate(status) + "' is not a delivery status")), integer(18),
                    status.isEmpty() ? null : time, v2 ? r.get(19) : "", v2 ? attempts(r.get(20)) : List.of(),
                    v3 ? r.get(21) : "", v3 ? r.get(22) : "", v3 ? r.get(23) : "", v4 ? r.get(24) : "");
        }

        private List<GatewayAttempt> attempts(String cell) {
            try {
                return GatewayAttempt.decode(cell);
            } catch (InvalidInputException e) {
                throw fail("attempts", "'" + truncate(cell) + "' is not a list of attempts (" + e.getMessage() + ")");
            }
        }

        DeliveryUpdate status() {
            String s = r.get(17);
            DeliveryStatus st = DeliveryStatus.find(s).orElseThrow(() -> fail("status",
                    "'" + truncate(s) + "' is not a delivery status"));
            if (r.get(12).isBlank()) {
                throw fail("provider_id", "is empty in a status row");
            }
            return DeliveryUpdate.of(r.get(12), st, integer(18), time(1, true));
        }

        private Instant time(int col, boolean required) {
            String s = r.get(col);
            if (s.isEmpty()) {
                if (required) {
                    throw fail(column(col), "is empty");
                }
                return null;
            }
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw fail(column(col), "'" + truncate(s) + "' is not an ISO-8601 instant");
            }
        }

        private int integer(int col) {
            String s = r.get(col);
            if (s.isEmpty()) {
                return 0;
            }
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw fail(column(col), "'" + truncate(s) + "' is not a whole number");
            }
        }

        private BigDecimal cost() {
            String s = r.get(10);
            if (s.isEmpty()) {
                return null;
            }
            try {
                return new BigDecimal(s);
            } catch (NumberFormatException e) {
                throw fail("estimated_cost", "'" + truncate(s) + "' is not a decimal number");
            }
        }

        private SendLogException fail(String column, String problem) {
            return new SendLogException(source + " line " + line + ": " + column + " " + problem);
        }

        private static String column(int col) {
            return HEADER.split(",")[col];
        }
    }

    /** A cell quoted in an error: control and bidi characters escaped, cut short (see {@link Masking#printable}). */
    private static String truncate(String s) {
        return Masking.printable(s);
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "CsvSendLog[" + file.file() + "]";
    }

    /** Column names in order, for tools. */
    public static List<String> columns() {
        return List.of(HEADER.split(","));
    }
}
