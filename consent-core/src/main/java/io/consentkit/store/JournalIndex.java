package io.consentkit.store;

import io.consentkit.ConsentKitException;
import io.consentkit.internal.AppendOnlyFile;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.CsvRecordReader;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.Redaction;
import io.consentkit.journal.StoreCapabilities;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The persisted index snapshot of a CSV journal ({@code <journal>.index} beside it): for the journal
 * prefix it covers, the byte ranges of each number's rows, so that "may I text this number?" over a large
 * journal reads that number's rows and the rows appended since, not the whole file. An optimisation
 * only: the answer is always the one a full read gives.
 *
 * <p><b>Written by a writer.</b> {@link #write(Path)} (the {@code consent index} command) takes the
 * journal's writer lock; a store built with {@link CsvConsentStore.Builder#writeIndexOnClose()} writes it
 * on close. It is extended from an earlier snapshot that still matches (only the rows after it are read)
 * or built from every row, each row decoded as a replay decodes it, and replaces the file atomically.
 * Reads never write it.
 *
 * <p><b>Verified on use.</b> {@link #lookup} uses a snapshot only if its own checksum holds, the journal is
 * the same file (its identity), at least as long as the covered prefix, with the same byte-order mark and
 * header, and the last 64 KiB of the covered prefix hash to the recorded digest (in a version 3 journal
 * they hold the last row's chain link); every indexed row read back must start after a line end, parse as
 * exactly one row of the recorded length and name the number asked about. Rows after the prefix are read
 * from the journal and decoded as a replay does (a torn last row is left out, as by a read-only open).
 * Anything else, and every I/O or format problem, falls back to the full read-only open, which then gives
 * the answer (or the error) it always gives. This guards against a stale, cut, replaced or damaged
 * snapshot or journal; it is no defence against someone who rewrites both files consistently
 * ({@code consent verify} checks the journal's own integrity).
 *
 * <p>Static and stateless; thread-safe.
 */
public final class JournalIndex {
    private static final Logger LOG = LoggerFactory.getLogger(JournalIndex.class);
    private static final StoreCapabilities CAPABILITIES =
            new StoreCapabilities("csv", true, true, false, Duration.ZERO);

    private JournalIndex() {
    }

    /**
     * What {@link #write} wrote. Immutable.
     *
     * @param numbers       numbers indexed
     * @param rows          rows indexed
     * @param coveredBytes  bytes of the journal the snapshot covers
     * @param scannedBytes  bytes read to build it (only those after an earlier, still matching snapshot)
     * @param incremental   true if an earlier snapshot was extended
     * @param snapshotBytes the snapshot file's size
     * @param snapshot      the snapshot file
     */
    public record Written(int numbers, int rows, long coveredBytes, long scannedBytes, boolean incremental,
                          long snapshotBytes, Path snapshot) {
    }

    /** The snapshot file of {@code journal}: {@code <journal>.index} beside it. */
    public static Path snapshotFile(Path journal) {
        return IndexSnapshotWriter.snapshotFile(Objects.requireNonNull(journal, "journal"));
    }

    /**
     * Writes (or extends) the index snapshot of the existing journal at {@code journal}, under its writer
     * lock: the journal is opened as a writer opens it (a torn last row is moved aside as usual) and no row
     * is appended.
     *
     * @throws ConsentStoreException  if the journal does not exist (nothing is created), cannot be read, or
     *                                the snapshot cannot be written (the old one is then left as it was)
     * @throws io.consentkit.journal.StoreLockedException if a writer holds the journal
     * @throws io.consentkit.journal.JournalFormatException if the journal or a row of it is not valid
     */
    public static Written write(Path journal) {
        Objects.requireNonNull(journal, "journal");
        if (!Files.isRegularFile(journal)) {
            throw new ConsentStoreException("consent journal " + journal + (Files.exists(journal)
                    ? " is not a regular file" : " does not exist") + "; no index snapshot was written and nothing "
                    + "was created");
        }
        try (CsvConsentStore store = CsvConsentStore.open(journal)) {
            IndexSnapshotWriter.Result r = store.writeIndex();
            return new Written(r.numbers(), r.rows(), r.covered(), r.scanned(), r.incremental(), r.bytes(),
                    snapshotFile(journal));
        } catch (IOException e) {
            throw new ConsentStoreException("cannot write the index snapshot of consent journal " + journal + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * A read-only view of the journal at {@code journal} holding every row that bears on {@code numbers}:
     * their rows (and every row of the redacted number, which holds the erasures), from the snapshot where
     * it is valid, else from a full read-only open. A tracker built on it answers for those numbers exactly
     * as one over the whole journal; for other numbers its answers mean nothing. Creates, locks and changes
     * nothing.
     *
     * @throws ConsentStoreException if the journal does not exist or cannot be read (from the full open)
     * @throws io.consentkit.journal.JournalFormatException if it is not a valid journal (from the full open)
     */
    public static Lookup lookup(Path journal, Collection<PhoneNumber> numbers) {
        return lookup(journal, numbers, PhoneNumbers.defaults());
    }

    static Lookup lookup(Path journal, Collection<PhoneNumber> numbers, PhoneNumbers phones) {
        Path file = Objects.requireNonNull(journal, "journal").toAbsolutePath();
        Set<Long> wanted = new HashSet<>();
        for (PhoneNumber n : numbers) {
            wanted.add(IndexSnapshot.key(n.e164()));
        }
        wanted.add(IndexSnapshot.key(Redaction.NUMBER)); // its rows hold the erasures
        String reason;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            List<long[]> order = new ArrayList<>();
            List<ConsentRecord> rows = new ArrayList<>();
            reason = indexed(file, ch, wanted, phones, order, rows);
            if (reason == null) {
                return new Lookup(inFileOrder(order, rows), null, null);
            }
        } catch (NoSuchFileException e) {
            reason = "the journal does not exist";
        } catch (IOException | UncheckedIOException e) {
            reason = "reading it failed: " + e.getMessage();
        } catch (ConsentKitException e) {
            reason = e.getMessage(); // a row that does not decode: the full read reports it
        }
        LOG.debug("index snapshot of {} not used ({}): reading the whole journal", file, reason);
        return new Lookup(null, CsvConsentStore.builder(file).phoneNumbers(phones).readOnly().build(), reason);
    }

    /** Collects the wanted rows through the snapshot; returns null, or why the snapshot cannot be used. */
    private static String indexed(Path file, FileChannel ch, Set<Long> wanted, PhoneNumbers phones,
                                  List<long[]> order, List<ConsentRecord> rows) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(snapshotFile(file));
        } catch (NoSuchFileException e) {
            return "no index snapshot";
        }
        IndexSnapshot s;
        try {
            s = IndexSnapshot.decode(bytes);
        } catch (IndexSnapshot.Invalid e) {
            return "the index snapshot is not usable: " + e.getMessage();
        }
        String mismatch = s.mismatch(ch, fileKey(file));
        if (mismatch != null) {
            return mismatch;
        }
        String source = file.getFileName().toString();
        JournalFileFormat format = new JournalFileFormat(source, phones);
        format.checkHeader(s.headerLine);
        int[] map = format.columnMap();
        long end = AppendOnlyFile.completeRowsEnd(ch, s.covered, ch.size(), format);
        CsvRecordReader one = new CsvRecordReader(source, 4096);
        for (long key : wanted) {
            int i = s.find(key);
            if (i < 0) {
                continue;
            }
            if (!s.entryValid(i)) {
                return "the index snapshot is not usable: a malformed entry";
            }
            for (int r = s.first(i); r < s.first(i + 1); r++) {
                ConsentRecord row = row(ch, one, s.offset(r), s.length(r), map, phones, source);
                if (row == null || IndexSnapshot.key(row.phoneNumber().e164()) != key) {
                    return "the journal's row at byte " + s.offset(r) + " is not the indexed one";
                }
                order.add(new long[] {s.offset(r), rows.size()});
                rows.add(row);
            }
        }
        CsvRecordReader tail = new CsvRecordReader(source);
        tail.read(ch, s.covered, end, (cells, n, line) -> {
            ConsentRecord row = JournalCodec.decode(i -> cells[i], n, map, phones, source, line, true);
            if (wanted.contains(IndexSnapshot.key(row.phoneNumber().e164()))) {
                order.add(new long[] {tail.recordStart(), rows.size()});
                rows.add(row);
            }
        });
        return null;
    }

    /** The row at {@code [offset, offset + length)}, if exactly one row is there after a line end; else null. */
    private static ConsentRecord row(FileChannel ch, CsvRecordReader reader, long offset, int length, int[] map,
                                     PhoneNumbers phones, String source) throws IOException {
        byte[] edges = IndexSnapshot.read(ch, offset - 1, 1);
        if (edges[0] != '\n') {
            return null;
        }
        ConsentRecord[] found = new ConsentRecord[2];
        int[] count = {0};
        try {
            reader.read(ch, offset, offset + length, (cells, n, line) -> {
                if (count[0]++ == 0 && reader.recordEnd() == offset + length) {
                    found[0] = JournalCodec.decode(i -> cells[i], n, map, phones, source, line, true);
                }
            });
        } catch (ConsentKitException e) {
            return null;
        }
        return count[0] == 1 && IndexSnapshot.read(ch, offset + length - 1, 1)[0] == '\n' ? found[0] : null;
    }

    private static List<ConsentRecord> inFileOrder(List<long[]> order, List<ConsentRecord> rows) {
        order.sort((a, b) -> Long.compare(a[0], b[0]));
        List<ConsentRecord> out = new ArrayList<>(rows.size());
        for (long[] o : order) {
            out.add(rows.get((int) o[1]));
        }
        return out;
    }

    /** The file identity of {@code file} as the snapshot records it ("" where the platform has none). */
    static String fileKey(Path file) throws IOException {
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return key == null ? "" : key.toString();
    }

    /**
     * What {@link #lookup} found: a read-only store whose {@link #replay} yields the rows bearing on the
     * numbers asked about, in journal order. {@link #append} throws {@link ReadOnlyStoreException}.
     * Thread-safe.
     */
    public static final class Lookup implements ConsentStore {
        private final List<ConsentRecord> rows;
        private final CsvConsentStore full;
        private final String fallback;

        private Lookup(List<ConsentRecord> rows, CsvConsentStore full, String fallback) {
            this.rows = rows == null ? null : List.copyOf(rows);
            this.full = full;
            this.fallback = fallback;
        }

        /** True if the rows came through the index snapshot; false if the whole journal is read. */
        public boolean fromSnapshot() {
            return rows != null;
        }

        /** Why the snapshot was not used (missing, stale, damaged...), if it was not. */
        public Optional<String> fallbackReason() {
            return Optional.ofNullable(fallback);
        }

        @Override
        public void replay(Consumer<ConsentRecord> sink) {
            if (rows != null) {
                rows.forEach(sink);
            } else {
                full.replay(sink);
            }
        }

        @Override
        public void append(List<ConsentRecord> batch) {
            throw new ReadOnlyStoreException("a journal lookup is read-only; nothing was appended");
        }

        @Override
        public StoreCapabilities capabilities() {
            return full != null ? full.capabilities() : CAPABILITIES;
        }

        @Override
        public void close() {
            if (full != null) {
                full.close();
            }
        }
    }
}
