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
import io.consentkit.journal.JournalChain;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.JournalLimits;
import io.consentkit.phone.PhoneNumbers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The embedded default store: one CSV journal file in the schema existing tools use.
 *
 * <p><b>Schema versions.</b> A new journal gets the version 3 header (the 14 legacy columns, then
 * {@code program,brand,channel}, then the chain cells {@code row_digest,chain_link}). A legacy 14-column
 * journal opens and replays as it is (its rows in the default program and brand) and is never rewritten
 * implicitly: rows without a program, brand or channel keep being appended to it as 14 cells, and a row
 * with one fails with {@link JournalUpgradeRequiredException} before any byte is written. A version 2
 * journal keeps taking version 2 rows (17 cells, unchained). {@link #upgrade(Path)} is the explicit,
 * crash-safe step to version 3; {@link #schemaVersion()} tells which a journal has.
 *
 * <p><b>Tamper evidence</b> (version 3; format in {@link io.consentkit.journal.JournalChain}). Each row's
 * digest is computed by the appending thread; its link is computed by the group commit's leader, in
 * write order, under the writer lock, just before the group is written and forced, so the chain follows
 * the file's byte order exactly. A failed group leaves the head where it was. A writable open continues
 * the chain from the last complete row (after a torn tail was moved aside); rows carried over by an
 * upgrade are unchained and the first row after them links from the genesis.
 *
 * <ul>
 *   <li><b>Append-only.</b> Rows are only ever added at the end; the header is written once.</li>
 *   <li><b>Durable.</b> {@link #append} returns after the bytes are written and forced
 *       ({@code fdatasync}); a new file's directory entry is forced too.</li>
 *   <li><b>Group commit.</b> Concurrent appends are written and forced together: one thread
 *       writes every waiting batch and issues one force for all of them.</li>
 *   <li><b>One writer.</b> A writer holds an OS lock on a lock file beside the journal,
 *       {@code <name>.lock} (deleted again on close), and is entered in a registry of the journals
 *       open in this JVM. A second writer, in this JVM or another process, waits up to
 *       {@link Builder#lockTimeout} and then fails with {@link StoreLockedException}; the refusal
 *       touches none of the first writer's files, and reading the journal (a backup, say) cannot
 *       release the lock. The journal itself is locked too, for older versions of this library.</li>
 *   <li><b>Fail closed.</b> Before and after each group commit the writer checks that its lock
 *       holds, that the path still names the file it opened and that the file ends where its rows
 *       end. A journal deleted, replaced (copied over, moved over) or written by someone else stops
 *       the store: that append and every later one throw {@link ConsentStoreException} and nothing
 *       is overwritten or cut.</li>
 *   <li><b>Validation before repair.</b> The header and every row are parsed (with the reader
 *       {@link #replay} uses) before anything is changed, and an open that fails changes no byte.
 *       Only a final fragment without a line end that does not parse as a complete row is a torn
 *       tail (a write cut short by a crash): a writable open moves it to a quarantine file
 *       ({@code <name>.torn-<millis>}), cuts the journal back, logs it and reports it by
 *       {@link #quarantined()}. A complete last row without its line end is kept, and a writable
 *       open adds the line end.</li>
 *   <li><b>Read-only.</b> {@link #openReadOnly} (or {@link Builder#readOnly()}) opens an existing
 *       journal for reading while a writer may hold it: no lock, no repair, no file or folder created;
 *       appends throw {@link ReadOnlyStoreException}; a missing journal is an error, not an empty
 *       store.</li>
 *   <li><b>Strict schema.</b> A header with missing or unknown columns fails with
 *       {@link JournalFormatException} at open; a complete row that does not parse fails
 *       {@link #replay} naming the line; nothing is "repaired". A UTF-8 byte-order mark is tolerated;
 *       columns may be in any order (appends follow the file's order).</li>
 *   <li><b>Failed writes.</b> If a write or force fails, the file is cut back to where the batch
 *       began and the append throws; if even that fails, the store refuses further appends.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class CsvConsentStore implements ConsentStore {
    /** Default time to wait for another process's lock: {@value} ms. */
    public static final long DEFAULT_LOCK_TIMEOUT_MILLIS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(CsvConsentStore.class);
    private static final String WHAT = "consent journal";
    private static final StoreCapabilities CAPABILITIES =
            new StoreCapabilities("csv", true, true, false, Duration.ZERO);
    /** A writable legacy 14-column journal: its appends cannot hold the rows of programs. */
    private static final StoreCapabilities LEGACY_CAPABILITIES =
            new StoreCapabilities("csv", true, true, false, Duration.ZERO, false);
    private static final AppendOnlyFile.Errors ERRORS = new AppendOnlyFile.Errors() {
        @Override
        public RuntimeException locked(String message) {
            return new StoreLockedException(message);
        }

        @Override
        public RuntimeException io(String message, Throwable cause) {
            return new ConsentStoreException(message, cause);
        }

        @Override
        public RuntimeException readOnly(String message) {
            return new ReadOnlyStoreException(message);
        }
    };

    /** Opens a channel on the journal; replaceable in tests to inject faults. */
    interface ChannelOpener {
        FileChannel open(Path path) throws IOException;
    }

    private final PhoneNumbers phones;
    private final AppendOnlyFile journal;
    private final int[] columnMap;
    private final boolean chained;
    private final boolean schemaOrder;
    private final String chainRefusal; // why a version 3 journal cannot continue its chain, or null
    private final boolean indexOnClose;

    /**
     * What a {@link Builder} builds: the validated, immutable settings a store is opened with.
     *
     * @param file        the journal file
     * @param lockTimeout how long to wait for another process's lock (zero or positive)
     * @param phones      how phone numbers in the file are read
     * @param clock       names quarantine files
     * @param opener      opens the journal's channel
     * @param readOnly    open for reading only
     * @param indexOnClose write the index snapshot on close (a writable open only)
     */
    record Settings(Path file, Duration lockTimeout, PhoneNumbers phones, Clock clock, ChannelOpener opener,
                    boolean readOnly, boolean indexOnClose) {
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
        JournalFileFormat format = new JournalFileFormat(s.file().toAbsolutePath().toString(), phones);
        this.journal = s.readOnly()
                ? AppendOnlyFile.openReadOnly(s.file(), WHAT, JournalCodec.HEADER_LINE, ERRORS, format)
                : AppendOnlyFile.open(s.file(), WHAT, JournalCodec.HEADER_LINE, s.lockTimeout(), s.clock(),
                        opener::open, ERRORS, format);
        this.columnMap = format.columnMap();
        this.chained = JournalCodec.schemaVersion(columnMap) == JournalCodec.SCHEMA_VERSION;
        boolean ordered = true;
        for (int i = 0; i < JournalCodec.COLUMN_COUNT; i++) {
            ordered &= columnMap[i] == i;
        }
        this.schemaOrder = ordered;
        this.indexOnClose = s.indexOnClose() && !s.readOnly();
        if (s.readOnly()) {
            this.chainRefusal = null;
        } else {
            String refusal = null;
            if (chained) {
                try {
                    journal.startChain(ChainTail.lastLink(journal));
                } catch (JournalFormatException e) {
                    refusal = e.getMessage(); // the open succeeds (a failing open would change no byte): appends refuse
                }
            }
            this.chainRefusal = refusal;
            JournalUpgrader.deleteStaleTemp(journal.file()); // the writer lock is held: no upgrade is running
        }
    }

    /** Opens (or creates) the journal at {@code file} with default settings. */
    public static CsvConsentStore open(Path file) {
        return builder(file).build();
    }

    /**
     * Opens the existing journal at {@code file} for reading only: see {@link Builder#readOnly()}.
     *
     * @throws ConsentStoreException  if it does not exist or cannot be read (the message says why)
     * @throws JournalFormatException if it is not a consent journal
     */
    public static CsvConsentStore openReadOnly(Path file) {
        return builder(file).readOnly().build();
    }

    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** The journal file. */
    public Path file() {
        return journal.file();
    }

    /** True if this store was opened read-only. */
    public boolean isReadOnly() {
        return journal.isReadOnly();
    }

    /**
     * For a read-only open: how many bytes after the last complete row this view leaves out, where
     * a write is in progress or was cut short by a crash (a writable open would quarantine them);
     * 0 if none. Always 0 for a writable open, which moves such bytes aside ({@link #quarantined()}).
     */
    public long tornTailBytes() {
        return journal.tornTailBytes();
    }

    /** Where a torn last row found on open was moved, if one was (never, for a read-only store). */
    public Optional<Path> quarantined() {
        return Optional.ofNullable(journal.quarantined());
    }

    @Override
    public StoreCapabilities capabilities() {
        return !journal.isReadOnly() && schemaVersion() == JournalCodec.LEGACY_SCHEMA_VERSION ? LEGACY_CAPABILITIES
                : CAPABILITIES;
    }

    /**
     * The journal's schema version, from its header: {@link JournalCodec#LEGACY_SCHEMA_VERSION} (1) for
     * a legacy 14-column file, {@link JournalCodec#SCOPES_SCHEMA_VERSION} (2) for a file with
     * {@code program,brand,channel}, {@link JournalCodec#SCHEMA_VERSION} (3) for a chained file (every
     * file this store creates).
     */
    public int schemaVersion() {
        return JournalCodec.schemaVersion(columnMap);
    }

    /**
     * Upgrades the journal at {@code file} from schema version 1 (legacy 14 columns) or 2 to version 3,
     * the explicit step a legacy journal needs before it can hold rows with a program, brand or channel,
     * and a version 2 journal before its rows are chained (opening and reading never rewrite a file).
     * Every row is kept, its cells as they are ({@code program,brand,channel} empty for a legacy row) and
     * its chain cells empty: the rows before the upgrade are reported as unchained (legacy) by the
     * verifier, and the first row appended after it links from the genesis. The new file is written
     * beside the journal ({@code <name>.upgrade-tmp}), forced, and moved over it atomically; a crash at
     * any point leaves either the old complete journal or the new complete one, and the next writable
     * open deletes a leftover temp file. Runs under the journal's writer lock: a store open on it (in
     * this JVM or another process) makes the upgrade fail, changing nothing; stop writers first. A
     * journal already at version 3 is left as it is.
     *
     * @throws StoreLockedException   if a writer holds the journal
     * @throws JournalFormatException if the journal (or a row of it) is not valid; nothing was changed
     * @throws ConsentStoreException  if it does not exist or on I/O failure (the journal was not replaced)
     */
    public static UpgradeResult upgrade(Path file) {
        return JournalUpgrader.run(Objects.requireNonNull(file, "file"), PhoneNumbers.defaults(), step -> { });
    }

    /** {@link #upgrade(Path)} with a hook run after each step (tests stop it there). */
    static UpgradeResult upgrade(Path file, JournalUpgrader.Hook hook) {
        return JournalUpgrader.run(file, PhoneNumbers.defaults(), hook);
    }

    /** The file's column order. */
    int[] columnMap() {
        return columnMap;
    }

    /** Hands every complete row's raw cells (header skipped) to {@code sink}. */
    void readRows(CsvRecordReader.RecordSink sink) {
        String source = journal.file().getFileName().toString();
        boolean[] header = {true};
        try {
            journal.read((channel, start, end) -> new CsvRecordReader(source).read(channel, start, end,
                    (cells, count, line) -> {
                        if (header[0]) {
                            header[0] = false; // checked at open
                            return;
                        }
                        sink.accept(cells, count, line);
                    }));
        } catch (IOException e) {
            throw journal.readFailure(e);
        }
    }

    /**
     * Rewrites the journal at {@code file} whole with {@code rewrite} (an erasure's redaction), safe
     * against a crash at any point: under its writer lock (a running writer makes it fail and changes
     * nothing), a new file is written beside it, forced, moved over it atomically and the folder forced.
     *
     * @return the rows the new journal holds
     * @throws StoreLockedException if a writer holds the journal
     * @throws ConsentStoreException if it cannot be read or replaced (then it is unchanged)
     */
    public static long rewrite(Path file, JournalRewrite rewrite) {
        return JournalRewriter.run(file, PhoneNumbers.defaults(), java.util.Objects.requireNonNull(rewrite, "rewrite"));
    }

    @Override
    public void replay(Consumer<ConsentRecord> sink) {
        String source = journal.file().getFileName().toString();
        readRows((cells, count, line) ->
                sink.accept(JournalCodec.decode(i -> cells[i], count, columnMap, phones, source, line, true)));
    }

    @Override
    public void append(List<ConsentRecord> rows) {
        if (rows.isEmpty()) {
            return;
        }
        if (chained) {
            appendChained(rows);
            return;
        }
        boolean legacy = JournalCodec.schemaVersion(columnMap) == JournalCodec.LEGACY_SCHEMA_VERSION;
        StringBuilder sb = new StringBuilder(rows.size() * 256);
        for (ConsentRecord r : rows) {
            JournalLimits.check(r); // also for code that writes without a tracker: an over-limit batch writes nothing
            if (legacy && !r.isLegacyShaped()) {
                throw new JournalUpgradeRequiredException(journal.file(), "consent journal " + journal.file()
                        + " has the legacy 14-column schema (version 1), which cannot hold " + r
                        + " (it has a program, brand or channel); nothing was appended. Upgrade the journal to "
                        + "schema version " + JournalCodec.SCHEMA_VERSION + " first, with every writer stopped: "
                        + "CsvConsentStore.upgrade(path) or `consent upgrade-journal --store " + journal.file() + "`");
            }
            JournalCodec.appendLine(sb, r, columnMap, false);
        }
        journal.append(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** What this store's group commit did since open (forces, appends per force, gaps between forces). */
    public JournalWriteStats writeStats() {
        AppendOnlyFile.Stats s = journal.writeStats();
        return new JournalWriteStats(s.forces(), s.rows(), Duration.ofNanos(s.forceNanos()), s.busyGaps(),
                Duration.ofNanos(s.busyGapNanos()));
    }

    /** Version 3: each row's digest here, in the caller's thread; its link in the group commit, in write order. */
    private void appendChained(List<ConsentRecord> rows) {
        if (chainRefusal != null && !journal.isReadOnly()) {
            throw new ConsentStoreException("cannot append to consent journal " + journal.file() + ": " + chainRefusal);
        }
        byte[][] prefixes = new byte[rows.size()][];
        byte[][] digests = new byte[rows.size()][];
        StringBuilder sb = new StringBuilder(256);
        for (int i = 0; i < rows.size(); i++) {
            ConsentRecord r = rows.get(i);
            JournalLimits.check(r); // an over-limit batch writes nothing
            sb.setLength(0);
            JournalCodec.appendCells(sb, r, columnMap, false);
            prefixes[i] = sb.toString().getBytes(StandardCharsets.UTF_8);
            digests[i] = schemaOrder ? JournalChain.digest(prefixes[i]) : JournalChain.digest(JournalChain.canonical(r, false));
        }
        journal.appendChained(prefixes, digests);
    }

    /**
     * The link the next row will link from: the last chained row's {@code chain_link}, or the genesis
     * when the journal has no chained row yet; empty for a journal below schema version 3 or opened
     * read-only.
     */
    public Optional<String> chainHead() {
        return chained && !journal.isReadOnly() && chainRefusal == null ? Optional.of(JournalChain.hex(journal.chainHead())) : Optional.empty();
    }

    /**
     * Closes the store; with {@link Builder#writeIndexOnClose()}, first writes the journal's index snapshot
     * ({@link JournalIndex}). A failure to write it is logged and ignored: it is an optimisation, and the
     * journal is closed all the same.
     */
    @Override
    public void close() {
        if (indexOnClose && !journal.isClosed()) {
            long t0 = System.nanoTime();
            try {
                IndexSnapshotWriter.Result r = writeIndex();
                LOG.debug("index snapshot of {}: {} rows of {} numbers, {} bytes, in {} ms", journal.file(), r.rows(),
                        r.numbers(), r.bytes(), (System.nanoTime() - t0) / 1_000_000);
            } catch (IOException | RuntimeException e) {
                LOG.warn("index snapshot of consent journal {} not written ({}); reads of it read the whole journal "
                        + "until one is", journal.file(), io.consentkit.support.Masking.printable(e.toString()));
            }
        }
        journal.close();
    }

    /** Writes the index snapshot of the rows durable now (the writer lock is held); package use. */
    IndexSnapshotWriter.Result writeIndex() throws IOException {
        if (!journal.stillAtPath()) {
            throw new IOException("the path no longer names the journal this writer opened");
        }
        IndexSnapshotWriter.Result[] out = new IndexSnapshotWriter.Result[1];
        journal.read((ch, start, end) -> out[0] = new IndexSnapshotWriter(journal.file(), phones)
                .write(ch, journal.bomLength(), end, journal.headerLine(), columnMap));
        return out[0];
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
        private boolean readOnly;
        private boolean indexOnClose;

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

        /**
         * Opens the journal for reading only: it must exist; no lock is taken (a writer in another
         * process may hold the journal meanwhile); nothing is created, repaired or written; a torn
         * tail is left where it is and the view ends before it; {@link #append} throws
         * {@link ReadOnlyStoreException}. The view is the rows present at open.
         */
        public Builder readOnly() {
            this.readOnly = true;
            return this;
        }

        /**
         * On {@link CsvConsentStore#close()}, write the journal's index snapshot ({@link JournalIndex}), so
         * that reads of a number ({@code consent status}) need not read the whole journal. Writing it reads
         * the rows appended since the last snapshot (every row, the first time) and never delays an
         * append; a failure is logged and ignored. Ignored for a read-only open. Default: off.
         */
        public Builder writeIndexOnClose() {
            this.indexOnClose = true;
            return this;
        }

        Builder channelOpener(ChannelOpener opener) {
            this.opener = Objects.requireNonNull(opener, "channelOpener");
            return this;
        }

        /**
         * Opens the journal, creating it (and its folder) if needed, unless {@link #readOnly()}.
         *
         * @throws StoreLockedException   if another process or instance holds it
         * @throws JournalFormatException if its header is not the journal schema
         * @throws ConsentStoreException  on I/O failure
         */
        public CsvConsentStore build() {
            return new CsvConsentStore(new Settings(file, lockTimeout, phones, clock, opener, readOnly, indexOnClose));
        }
    }
}
