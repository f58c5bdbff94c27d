package io.consentkit.store;

import io.consentkit.ConsentKitException;
import io.consentkit.internal.AppendOnlyFile;
import io.consentkit.journal.CsvRecordReader;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.phone.PhoneNumbers;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The consent journal's rows as the open-time checks of {@link AppendOnlyFile} see them: the same
 * {@link CsvRecordReader} and {@link JournalCodec} that {@link CsvConsentStore#replay} uses, so that
 * a row the store can read is never taken for a torn write. The whole-file check is
 * {@link CsvRecordReader#scanRecords} (the replay reader's rules, building no cell); only the final
 * fragment is parsed and decoded in full. One instance per open; not thread-safe.
 */
final class JournalFileFormat implements AppendOnlyFile.Format {
    private static final int SMALL_CHUNK = 1 << 16;

    private final String source;
    private final PhoneNumbers phones;
    private int[] columnMap;

    JournalFileFormat(String source, PhoneNumbers phones) {
        this.source = source;
        this.phones = phones;
    }

    /**
     * The file's column order, known once {@link #checkHeader} passed: a version 1 (legacy) or version 2
     * map ({@link JournalCodec#schemaVersion}).
     */
    int[] columnMap() {
        return columnMap;
    }

    @Override
    public void checkHeader(String line) {
        if (line == null) {
            throw new JournalFormatException(source, 1, "header", "is missing or longer than 4096 bytes");
        }
        List<String> names = new ArrayList<>();
        try (CSVParser p = CSVFormat.RFC4180.parse(new StringReader(line))) {
            for (CSVRecord r : p) {
                r.forEach(names::add);
                break;
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new JournalFormatException(source, 1, "header", "is not valid CSV (" + e.getMessage() + ")");
        }
        columnMap = JournalCodec.mapHeader(names, source);
    }

    @Override
    public AppendOnlyFile.Scan scan(FileChannel ch, long start, long end) throws IOException {
        long[] last = {1, start, start}; // the last record's line, its start, its end
        try {
            // structure only (no cell strings): the replay reader's rules and errors, at half its cost
            new CsvRecordReader(source).scanRecords(ch, start, end, (line, recordEnd, count) -> {
                last[0] = line;
                last[1] = last[2];
                last[2] = recordEnd;
            });
        } catch (JournalFormatException e) {
            // the failing record starts after the last good one; the error's own line may lie further
            // on (a byte that is not UTF-8 in a record of several lines)
            long failing = last[2] == start ? 1 : last[0] + lineFeeds(ch, last[1], last[2]);
            return new AppendOnlyFile.Scan(last[0], e, failing);
        }
        return new AppendOnlyFile.Scan(last[0], null, 0);
    }

    private static long lineFeeds(FileChannel ch, long from, long to) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) (to - from));
        while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
            continue;
        }
        long n = 0;
        for (int i = 0; i < b.position(); i++) {
            if (b.get(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean isCompleteRow(FileChannel ch, long start, long end, boolean decode) throws IOException {
        int[] records = {0};
        boolean[] ok = {false};
        try {
            new CsvRecordReader(source, (int) Math.min(SMALL_CHUNK, Math.max(1, end - start))).read(ch, start, end,
                    (cells, count, line) -> {
                        if (records[0]++ == 0 && count == JournalCodec.fileColumnCount(columnMap)) {
                            if (decode) {
                                JournalCodec.decode(i -> cells[i], count, columnMap, phones, source, line, true);
                            }
                            ok[0] = true;
                        }
                    });
        } catch (ConsentKitException e) {
            return false;
        }
        return ok[0] && records[0] == 1;
    }

    @Override
    public RuntimeException invalid(long line, String problem) {
        return new JournalFormatException(source, line, "row", problem);
    }
}
