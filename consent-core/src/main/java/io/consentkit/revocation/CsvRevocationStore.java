package io.consentkit.revocation;

import io.consentkit.InvalidInputException;
import io.consentkit.internal.AppendOnlyFile;
import io.consentkit.journal.JournalCodec;
import io.consentkit.phone.InvalidPhoneNumberException;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.support.Masking;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A durable revocation store in one append-only CSV file, with the consent journal's and the send
 * log's machinery: every {@link #append} returns after its row is written and forced (concurrent
 * writers share one force); a second writer (process or instance) waits for the lock on
 * {@code <file>.lock} and then fails; a row cut short by a crash is moved to a
 * {@code .torn-<millis>} file by a writable open; a file with another header, or a complete row that
 * does not parse, fails the open and is left byte for byte. {@link #openReadOnly} takes no lock and
 * creates, repairs and changes nothing; its view ends at the last complete row.
 *
 * <p>Columns ({@link #HEADER}): {@code event} (submitted, applied, dismissed), {@code at},
 * {@code request_id}, {@code phone_number} (E.164), {@code program}, {@code brand}, {@code channel},
 * {@code received_at}, {@code evidence_text}, {@code evidence_by}, {@code deadline} (ISO date),
 * {@code overdue_at}, {@code by}, {@code reason}. Instants are ISO-8601 UTC. A closing row fills
 * {@code event}, {@code at}, {@code request_id}, {@code by} and {@code reason}.
 *
 * <p>Thread-safe. {@link #events()} parses the whole file.
 */
public final class CsvRevocationStore implements RevocationStore {
    /** The header line. */
    public static final String HEADER = "event,at,request_id,phone_number,program,brand,channel,received_at,"
            + "evidence_text,evidence_by,deadline,overdue_at,by,reason";
    /** The default file name, beside the consent journal. */
    public static final String DEFAULT_FILE_NAME = "revocations.csv";

    private static final String[] COLUMNS = HEADER.split(",");
    private static final String WHAT = "revocation queue";
    private static final AppendOnlyFile.Errors ERRORS = new AppendOnlyFile.Errors() {
        @Override
        public RuntimeException locked(String message) {
            return new RevocationQueueException(message);
        }

        @Override
        public RuntimeException io(String message, Throwable cause) {
            return new RevocationQueueException(message, cause);
        }
    };

    private final AppendOnlyFile file;

    private CsvRevocationStore(AppendOnlyFile file) {
        this.file = file;
    }

    /** Opens (or creates, with its folder) the queue file at {@code path}; 5 s lock timeout, UTC clock. */
    public static CsvRevocationStore open(Path path) {
        return open(path, Duration.ofSeconds(5), Clock.systemUTC());
    }

    /**
     * Opens (or creates, with its folder) the queue file at {@code path} for appends.
     *
     * @param lockTimeout how long to wait for another writer's lock
     * @param clock       names quarantine files
     * @throws RevocationQueueException if it is locked, unreadable or not a revocation queue
     */
    public static CsvRevocationStore open(Path path, Duration lockTimeout, Clock clock) {
        if (path == null) {
            throw new InvalidInputException("path", "is null");
        }
        if (lockTimeout == null || lockTimeout.isNegative()) {
            throw new InvalidInputException("lockTimeout", "must be zero or positive");
        }
        CsvRevocationStore s = new CsvRevocationStore(AppendOnlyFile.open(path, WHAT, HEADER, lockTimeout,
                Objects.requireNonNull(clock, "clock"), AppendOnlyFile.DEFAULT_OPENER, ERRORS));
        try {
            s.events(); // every complete row must parse before the store is used
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Opens an existing queue file for reading only: no lock, nothing created, repaired or written
     * (a missing file is an error); {@link #append} throws.
     */
    public static CsvRevocationStore openReadOnly(Path path) {
        if (path == null) {
            throw new InvalidInputException("path", "is null");
        }
        CsvRevocationStore s = new CsvRevocationStore(AppendOnlyFile.openReadOnly(path, WHAT, HEADER, List.of(HEADER),
                ERRORS));
        try {
            s.events();
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The file, as an absolute path. */
    public Path file() {
        return file.file();
    }

    /** Where a torn last row found by a writable open was moved, if one was. */
    public Optional<Path> quarantined() {
        return Optional.ofNullable(file.quarantined());
    }

    /** Read-only opens: the bytes after the last complete row left out of the view (a torn tail); else 0. */
    public long tornTailBytes() {
        return file.tornTailBytes();
    }

    @Override
    public void append(RevocationEvent e) {
        Objects.requireNonNull(e, "event");
        String[] cells = {
            e.kind().label(), e.at().toString(), e.requestId(), e.phone() == null ? "" : e.phone().e164(), e.program(),
            e.brand(), e.channel() == null ? "" : e.channel().label(), str(e.receivedAt()), e.evidenceText(),
            e.evidenceBy(), e.deadline() == null ? "" : e.deadline().toString(), str(e.overdueAt()), e.by(), e.reason(),
        };
        StringBuilder sb = new StringBuilder(256);
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            JournalCodec.appendCell(sb, cells[i]);
        }
        sb.append('\n');
        file.append(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String str(Instant i) {
        return i == null ? "" : i.toString();
    }

    @Override
    public List<RevocationEvent> events() {
        String source = file.file().getFileName().toString();
        List<RevocationEvent> out = new ArrayList<>();
        try (InputStream in = file.read();
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
             CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
            long line = 2;
            Iterator<CSVRecord> it = parser.iterator();
            while (true) {
                CSVRecord r;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    r = it.next();
                } catch (UncheckedIOException e) {
                    throw new RevocationQueueException(source + " line " + parser.getCurrentLineNumber()
                            + ": not valid CSV (" + e.getCause().getMessage() + ")", e);
                }
                out.add(new Row(r, source, line).event());
                line = parser.getCurrentLineNumber() + 1;
            }
        } catch (IOException e) {
            throw file.readFailure(e);
        }
        return out;
    }

    /** One row's cells, with errors naming the line and the column. */
    private record Row(CSVRecord r, String source, long line) {
        RevocationEvent event() {
            if (r.size() != COLUMNS.length) {
                throw fail("row", "has " + r.size() + " fields, expected " + COLUMNS.length);
            }
            RevocationEvent.Kind kind;
            try {
                kind = RevocationEvent.Kind.valueOf(r.get(0).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw fail("event", "'" + Masking.printable(r.get(0)) + "' is not submitted, applied or dismissed");
            }
            boolean submitted = kind == RevocationEvent.Kind.SUBMITTED;
            try {
                return new RevocationEvent(kind, instant(1), r.get(2),
                        submitted ? phone() : null, r.get(4), r.get(5),
                        submitted ? RevocationChannel.parse(r.get(6)) : null, submitted ? instant(7) : null, r.get(8),
                        r.get(9), submitted ? date(10) : null, submitted ? instant(11) : null, r.get(12), r.get(13));
            } catch (RevocationQueueException e) {
                throw e;
            } catch (InvalidInputException e) {
                throw fail(e.field(), e.problem());
            }
        }

        private io.consentkit.phone.PhoneNumber phone() {
            try {
                return PhoneNumbers.defaults().parseStored(r.get(3), "phone_number");
            } catch (InvalidPhoneNumberException e) {
                throw fail("phone_number", "is not a valid E.164 number");
            }
        }

        private Instant instant(int col) {
            String s = r.get(col);
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw fail(COLUMNS[col], "'" + Masking.printable(s) + "' is not an ISO-8601 instant");
            }
        }

        private LocalDate date(int col) {
            String s = r.get(col);
            try {
                return LocalDate.parse(s);
            } catch (DateTimeParseException e) {
                throw fail(COLUMNS[col], "'" + Masking.printable(s) + "' is not an ISO-8601 date");
            }
        }

        private RevocationQueueException fail(String column, String problem) {
            return new RevocationQueueException(source + " line " + line + ": " + column + " " + problem);
        }
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "CsvRevocationStore[" + file.file() + "]";
    }
}
