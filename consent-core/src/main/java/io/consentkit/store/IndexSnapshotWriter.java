package io.consentkit.store;

import io.consentkit.internal.AtomicFiles;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.CsvRecordReader;
import io.consentkit.journal.JournalCodec;
import io.consentkit.phone.PhoneNumbers;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Builds and writes a journal's {@link IndexSnapshot}, by its writer (under the writer lock): from the
 * rows of an earlier snapshot that still matches the journal plus the rows after it, or from every row.
 * Every row it indexes is decoded as a replay decodes it, so the covered prefix is known to load. The
 * file is replaced atomically ({@link AtomicFiles}). One use per instance; not thread-safe.
 */
final class IndexSnapshotWriter {
    /** The temporary-file tag of {@link AtomicFiles#replace}. */
    static final String TAG = "index";

    /**
     * What was written.
     *
     * @param numbers     numbers indexed
     * @param rows        rows indexed
     * @param covered     bytes of the journal covered
     * @param scanned     bytes of the journal read to build it (the rows after an earlier snapshot, or all)
     * @param incremental true if an earlier snapshot was extended
     * @param bytes       the snapshot's size in bytes
     */
    record Result(int numbers, int rows, long covered, long scanned, boolean incremental, long bytes) {
    }

    private final Path journal;
    private final PhoneNumbers phones;
    private long[] rowKeys = new long[1024];
    private long[] rowOffsets = new long[1024];
    private int[] rowLengths = new int[1024];
    private int count;

    IndexSnapshotWriter(Path journal, PhoneNumbers phones) {
        this.journal = journal.toAbsolutePath();
        this.phones = phones;
    }

    /** Where the snapshot of {@code journal} lives: {@code <journal>.index} beside it. */
    static Path snapshotFile(Path journal) {
        Path j = journal.toAbsolutePath();
        return j.resolveSibling(j.getFileName() + ".index");
    }

    /**
     * Indexes the journal's complete rows {@code [bom, end)} (read through {@code ch}; {@code end} is
     * the end of its durable rows) and replaces the snapshot file.
     *
     * @throws IOException on a read or write failure (the old snapshot, if any, is left as it was)
     * @throws io.consentkit.journal.JournalFormatException if a row does not decode (nothing written)
     */
    Result write(FileChannel ch, int bom, long end, String headerLine, int[] columnMap) throws IOException {
        String fileKey = JournalIndex.fileKey(journal);
        long firstRow = firstRow(ch, bom);
        long from = firstRow;
        boolean incremental = false;
        IndexSnapshot old = readMatching(ch, fileKey, end);
        if (old != null && old.covered == end) { // no row since: the snapshot on disk is this one
            return new Result(old.m, old.n, end, 0, true, Files.size(snapshotFile(journal)));
        }
        if (old != null) {
            for (int i = 0; i < old.m; i++) {
                for (int r = old.first(i); r < old.first(i + 1); r++) {
                    add(old.key(i), old.offset(r), old.length(r));
                }
            }
            from = old.covered;
            incremental = true;
        }
        String source = journal.getFileName().toString();
        CsvRecordReader reader = new CsvRecordReader(source);
        reader.read(ch, from, end, (cells, n, line) -> {
            ConsentRecord r = JournalCodec.decode(i -> cells[i], n, columnMap, phones, source, line, true);
            long k = IndexSnapshot.key(r.phoneNumber().e164());
            if (k <= 0) {
                throw new IllegalStateException("a decoded number is not E.164");
            }
            add(k, reader.recordStart(), (int) (reader.recordEnd() - reader.recordStart()));
        });
        IndexSnapshot snap = group(fileKey, bom, headerLine, firstRow, end, ch);
        Path target = snapshotFile(journal);
        AtomicFiles.deleteStale(target, TAG); // a crash while writing the last one left it; the writer lock is held
        long[] size = {0};
        AtomicFiles.replace(target, TAG, out -> {
            java.io.OutputStream counting = new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    size[0] += len;
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    size[0]++;
                }
            };
            snap.encode(counting);
        });
        return new Result(snap.m, snap.n, end, end - from, incremental, size[0]);
    }

    /** The snapshot file's contents if it exists, decodes and matches the journal; else null. */
    private IndexSnapshot readMatching(FileChannel ch, String fileKey, long end) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(snapshotFile(journal));
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            IndexSnapshot s = IndexSnapshot.decode(bytes);
            return s.covered <= end && s.allValid() && s.mismatch(ch, fileKey) == null ? s : null;
        } catch (IndexSnapshot.Invalid e) {
            return null; // rebuilt from every row
        }
    }

    /** Where the first row starts: after the header line's line end. */
    static long firstRow(FileChannel ch, int bom) throws IOException {
        byte[] head = IndexSnapshot.read(ch, bom, (int) Math.min(4096, ch.size() - bom));
        for (int i = 0; i < head.length; i++) {
            if (head[i] == '\n') {
                return bom + i + 1;
            }
        }
        throw new IOException("the journal's header has no line end in its first 4096 bytes");
    }

    private void add(long key, long offset, int length) {
        if (count == rowKeys.length) {
            int n = count * 2;
            rowKeys = Arrays.copyOf(rowKeys, n);
            rowOffsets = Arrays.copyOf(rowOffsets, n);
            rowLengths = Arrays.copyOf(rowLengths, n);
        }
        rowKeys[count] = key;
        rowOffsets[count] = offset;
        rowLengths[count] = length;
        count++;
    }

    /** The rows grouped by number (numbers ascending; each number's rows in the order added: file order). */
    private IndexSnapshot group(String fileKey, int bom, String headerLine, long firstRow, long covered,
                                FileChannel ch) throws IOException {
        long[] sorted = Arrays.copyOf(rowKeys, count);
        Arrays.sort(sorted);
        int m = 0;
        for (int i = 0; i < count; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[m++] = sorted[i];
            }
        }
        long[] keys = Arrays.copyOf(sorted, m);
        int[] rank = new int[count];
        int[] first = new int[m + 1];
        for (int i = 0; i < count; i++) {
            rank[i] = Arrays.binarySearch(keys, rowKeys[i]);
            first[rank[i] + 1]++;
        }
        for (int i = 0; i < m; i++) {
            first[i + 1] += first[i];
        }
        int[] next = Arrays.copyOf(first, m);
        long[] offsets = new long[count];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) { // stable: each number's rows keep the order they were added in
            int at = next[rank[i]]++;
            offsets[at] = rowOffsets[i];
            lengths[at] = rowLengths[i];
        }
        long windowStart = Math.max(firstRow, covered - IndexSnapshot.WINDOW);
        byte[] digest = IndexSnapshot.windowDigest(ch, windowStart, covered);
        return IndexSnapshot.of(fileKey, bom, headerLine, firstRow, covered, windowStart, digest, keys, first,
                offsets, lengths);
    }
}
