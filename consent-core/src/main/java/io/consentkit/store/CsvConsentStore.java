package io.consentkit.store;

import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.journal.StoreCapabilities;
import io.consentkit.journal.StoreLockedException;
import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.internal.AppendOnlyFile;
import io.consentkit.journal.CsvRecordReader;
import io.consentkit.journal.JournalCodec;
import io.consentkit.phone.PhoneNumbers;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The embedded default store: one CSV journal file in the schema existing tools use.
 *
 * <ul>
 *   <li><b>Append-only.</b> Rows are only ever added at the end; the header is written once.</li>
 *   <li><b>Durable.</b> {@link #append} returns after the bytes are written and forced
 *       ({@code fdatasync}); a new file's directory entry is forced too.</li>
 *   <li><b>Group commit.</b> Concurrent appends are written and forced together: one thread
 *       writes every waiting batch and issues one force for all of them.</li>
 *   <li><b>One process.</b> The file is locked ({@link FileChannel#lock}) while open. A second
 *       process (or a second store on the same file in this JVM) waits up to
 *       {@link Builder#lockTimeout} and then fails with {@link StoreLockedException}; it never
 *       writes into a file another process holds.</li>
 *   <li><b>Torn tails.</b> A crash in the middle of a write can leave a partial last row. On open
 *       the bytes after the last complete row are moved to a quarantine file
 *       ({@code <name>.torn-<millis>}), the journal is cut back to its last complete row, and the
 *       event is logged and reported by {@link #quarantined()}: never silently dropped or kept.</li>
 *   <li><b>Strict schema.</b> A header with missing or unknown columns, or a complete row that does
 *       not parse, fails with {@link JournalFormatException} naming the line; nothing is "repaired".
 *       A UTF-8 byte-order mark is tolerated; columns may be in any order (appends follow the
 *       file's order).</li>
 *   <li><b>Failed writes.</b> If a write or force fails, the file is cut back to where the batch
 *       began and the append throws; if even that fails, the store refuses further appends.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class CsvConsentStore implements ConsentStore {
    /** Default time to wait for another process's lock: {@value} ms. */
    public static final long DEFAULT_LOCK_TIMEOUT_MILLIS = 5_000;

    private static final String WHAT = "consent journal";
    private static final StoreCapabilities CAPABILITIES =
            new StoreCapabilities("csv", true, true, false, Duration.ZERO);
    private static final AppendOnlyFile.Errors ERRORS = new AppendOnlyFile.Errors() {
        @Override
        public RuntimeException locked(String message) {
            return new StoreLockedException(message);
        }

        @Override
        public RuntimeException io(String message, Throwable cause) {
            return new ConsentStoreException(message, cause);
        }
    };

    /** Opens a channel on the journal; replaceable in tests to inject faults. */
    interface ChannelOpener {
        FileChannel open(Path path) throws IOException;
    }

    private final PhoneNumbers phones;
    private final AppendOnlyFile journal;
    private final int[] columnMap;

    /**
     * What a {@link Builder} builds: the validated, immutable settings a store is opened with.
     *
     * @param file        the journal file
     * @param lockTimeout how long to wait for another process's lock (zero or positive)
     * @param phones      how phone numbers in the file are read
     * @param clock       names quarantine files
     * @param opener      opens the journal's channel
     */
    record Settings(Path file, Duration lockTimeout, PhoneNumbers phones, Clock clock, ChannelOpener opener) {
        Settings {
            Objects.requireNonNull(file, "file");
            if (lockTimeout == null || lockTimeout.isNegative()) {
                throw new InvalidInputException("lockTimeout", "must be zero or positive");
            }
            Objects.requireNonNull(phones, "phones");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(opener, "channelOpener");
        }
    }

    private CsvConsentStore(Settings s) {
        this.phones = s.phones();
        ChannelOpener opener = s.opener();
        this.journal = AppendOnlyFile.open(s.file(), WHAT, JournalCodec.HEADER_LINE, s.lockTimeout(), s.clock(),
                opener::open, ERRORS);
        try {
            this.columnMap = mapHeader(journal.headerLine(), journal.file().toString());
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /** Opens (or creates) the journal at {@code file} with default settings. */
    public static CsvConsentStore open(Path file) {
        return builder(file).build();
    }

    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** The journal file. */
    public Path file() {
        return journal.file();
    }

    /** Where a torn last row found on open was moved, if one was. */
    public Optional<Path> quarantined() {
        return Optional.ofNullable(journal.quarantined());
    }

    @Override
    public StoreCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void replay(Consumer<ConsentRecord> sink) {
        String source = journal.file().getFileName().toString();
        boolean[] header = {true};
        try {
            journal.read((channel, start, end) -> new CsvRecordReader(source).read(channel, start, end,
                    (cells, count, line) -> {
                        if (header[0]) {
                            header[0] = false; // checked at open
                            return;
                        }
                        sink.accept(JournalCodec.decode(i -> cells[i], count, columnMap, phones, source, line, true));
                    }));
        } catch (IOException e) {
            throw journal.readFailure(e);
        }
    }

    @Override
    public void append(List<ConsentRecord> rows) {
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder(rows.size() * 256);
        for (ConsentRecord r : rows) {
            JournalCodec.appendLine(sb, r, columnMap, false);
        }
        journal.append(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        journal.close();
    }

    private static int[] mapHeader(String line, String source) throws JournalFormatException {
        if (line == null) {
            throw new JournalFormatException(source, 1, "header", "is missing or longer than 4096 bytes");
        }
        List<String> names = new ArrayList<>();
        try (CSVParser p = CSVFormat.RFC4180.parse(new java.io.StringReader(line))) {
            for (CSVRecord r : p) {
                r.forEach(names::add);
                break;
            }
        } catch (IOException e) {
            throw new JournalFormatException(source, 1, "header", "is not valid CSV (" + e.getMessage() + ")");
        }
        return JournalCodec.mapHeader(names, source);
    }

    /**
     * Configures a {@link CsvConsentStore}. Setters validate at once; {@link #build()} freezes the
     * settings and the builder has no getters. Not thread-safe.
     */
    public static final class Builder {
        private final Path file;
        private Duration lockTimeout = Duration.ofMillis(DEFAULT_LOCK_TIMEOUT_MILLIS);
        private PhoneNumbers phones = PhoneNumbers.defaults();
        private Clock clock = Clock.systemUTC();
        private ChannelOpener opener = p -> FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);

        private Builder(Path file) {
            if (file == null) {
                throw new InvalidInputException("file", "is null");
            }
            this.file = file;
        }

        /** How long to wait for another process's lock before failing. Default 5 s. */
        public Builder lockTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new InvalidInputException("lockTimeout", "must be zero or positive");
            }
            this.lockTimeout = timeout;
            return this;
        }

        /** How phone numbers in the file are read (matters only for non-E.164 legacy rows). */
        public Builder phoneNumbers(PhoneNumbers phones) {
            this.phones = Objects.requireNonNull(phones, "phones");
            return this;
        }

        /** Clock used to name quarantine files. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        Builder channelOpener(ChannelOpener opener) {
            this.opener = Objects.requireNonNull(opener, "channelOpener");
            return this;
        }

        /**
         * Opens the journal, creating it (and its folder) if needed.
         *
         * @throws StoreLockedException   if another process holds it
         * @throws JournalFormatException if its header is not the journal schema
         * @throws ConsentStoreException  on I/O failure
         */
        public CsvConsentStore build() {
            return new CsvConsentStore(new Settings(file, lockTimeout, phones, clock, opener));
        }
    }
}
