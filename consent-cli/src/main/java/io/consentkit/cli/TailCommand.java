package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.CsvRecordReader;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.phone.PhoneNumbers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code consent tail [-n N] [-f]}: the journal's last rows, and with {@code -f} every row appended
 * afterwards, until interrupted (Ctrl-C). Opens the file for reading only: no lock, nothing created
 * or changed. Only complete rows (up to the last line end that closes a row) are printed; a row being
 * written is printed once it is complete.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Prints the journal's last rows; with -f, keeps printing rows as they are appended until "
                + "stopped (Ctrl-C). Read-only: works beside a writer.",
            "Exit codes: 0 ok (or stopped), 2 bad input, 3 journal missing or unreadable."})
final class TailCommand implements Callable<Integer> {
    /** How often {@code -f} looks for new rows. */
    static final long POLL_MILLIS = 200;

    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Option(names = {"-n", "--lines"}, defaultValue = "10", paramLabel = "<n>",
            description = "How many of the last rows to print first. Default: ${DEFAULT-VALUE}")
    int lines;
    @Option(names = {"-f", "--follow"}, description = "Keep printing appended rows until stopped.")
    boolean follow;

    private int[] columnMap;
    private long line;

    @Override
    public Integer call() throws IOException {
        if (lines < 0) {
            throw new InvalidInputException("lines", "must be zero or positive, was " + lines);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path file = opts.csvPath();
        String source = String.valueOf(file.getFileName());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = header(ch, source);
            pos = printLast(ch, source, pos, out);
            out.flush();
            while (follow) {
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
                if (!Files.exists(file)) {
                    throw new ConsentStoreException("consent journal " + file + " was removed while it was followed");
                }
                pos = follow(ch, source, pos, r -> Output.record(out, opts.format, r, opts.programs()));
                out.flush();
            }
        } catch (NoSuchFileException e) {
            throw new ConsentStoreException("consent journal " + file + " does not exist (nothing was created)", e);
        } catch (IOException e) {
            throw new ConsentStoreException("cannot read consent journal " + file + ": " + e.getMessage(), e);
        }
        return 0;
    }

    /**
     * Prints the last {@link #lines} complete rows after {@code pos}, decoding only those (the others
     * are split into cells and dropped); returns the offset after the last complete row.
     */
    private long printLast(FileChannel ch, String source, long pos, PrintWriter out) throws IOException {
        long end = lastLineEnd(ch, pos, ch.size());
        ArrayDeque<String[]> cellsOfLast = new ArrayDeque<>();
        ArrayDeque<Long> linesOfLast = new ArrayDeque<>();
        long first = line;
        new CsvRecordReader(source).read(ch, pos, end, (cells, count, ln) -> {
            if (lines == 0) {
                return;
            }
            if (cellsOfLast.size() == lines) {
                cellsOfLast.removeFirst();
                linesOfLast.removeFirst();
            }
            cellsOfLast.addLast(Arrays.copyOf(cells, count));
            linesOfLast.addLast(first + ln - 1);
        });
        PhoneNumbers phones = PhoneNumbers.defaults();
        while (!cellsOfLast.isEmpty()) {
            String[] cells = cellsOfLast.removeFirst();
            Output.record(out, opts.format, JournalCodec.decode(i -> cells[i], cells.length, columnMap, phones, source,
                    linesOfLast.removeFirst(), true), opts.programs());
        }
        line += countLines(ch, pos, end);
        return end;
    }

    /** Checks the header; returns the offset after it. */
    private long header(FileChannel ch, String source) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 4096));
        ch.read(b, 0);
        byte[] bytes = Arrays.copyOf(b.array(), b.position());
        int bom = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        int nl = -1;
        for (int i = bom; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            throw new JournalFormatException(source, 1, "header", "is missing or longer than 4096 bytes");
        }
        String headerLine = new String(bytes, bom, nl - bom, StandardCharsets.UTF_8).replace("\r", "");
        columnMap = JournalCodec.mapHeader(Arrays.asList(headerLine.split(",", -1)), source);
        line = 2;
        return nl + 1L;
    }

    /**
     * Decodes the complete rows from {@code pos} to the last line end of the file and hands them to
     * {@code sink}; returns the offset after them. A range that does not parse yet (a row with a quoted
     * line end still being written) is left for the next poll.
     */
    private long follow(FileChannel ch, String source, long pos, java.util.function.Consumer<ConsentRecord> sink)
            throws IOException {
        long end = lastLineEnd(ch, pos, ch.size());
        if (end <= pos) {
            return pos;
        }
        List<ConsentRecord> rows = new ArrayList<>();
        PhoneNumbers phones = PhoneNumbers.defaults();
        try {
            new CsvRecordReader(source).read(ch, pos, end, (cells, count, ln) -> {
                long at = line + ln - 1;
                rows.add(JournalCodec.decode(i -> cells[i], count, columnMap, phones, source, at, true));
            });
        } catch (JournalFormatException e) {
            return pos; // retried at the next poll, once the row is complete
        }
        rows.forEach(sink);
        line += countLines(ch, pos, end);
        return end;
    }

    private static long lastLineEnd(FileChannel ch, long from, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8192);
        long p = size;
        while (p > from) {
            int n = (int) Math.min(b.capacity(), p - from);
            b.clear().limit(n);
            ch.read(b, p - n);
            for (int i = n - 1; i >= 0; i--) {
                if (b.get(i) == '\n') {
                    return p - n + i + 1;
                }
            }
            p -= n;
        }
        return from;
    }

    private static long countLines(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        long count = 0;
        for (long p = from; p < to; ) {
            b.clear().limit((int) Math.min(b.capacity(), to - p));
            int n = ch.read(b, p);
            for (int i = 0; i < n; i++) {
                if (b.get(i) == '\n') {
                    count++;
                }
            }
            p += n;
        }
        return count;
    }
}
