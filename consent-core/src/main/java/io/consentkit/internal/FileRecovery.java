package io.consentkit.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

/**
 * Opening an {@link AppendOnlyFile}: create the folder and file (forcing a new file's directory
 * entry), take the single-writer lock, detect a UTF-8 byte-order mark, find the last complete row
 * with a quote-aware scan, move a torn tail to a quarantine file and cut the file back, write the
 * header into an empty file, and read the header line. Runs once per open, before any append.
 * Stateless apart from one open in progress; not shared between threads.
 */
final class FileRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(AppendOnlyFile.class);
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final int MAX_HEADER_BYTES = 4096;

    /**
     * A file ready for appends.
     *
     * @param channel     the open channel
     * @param lock        the lock held on it
     * @param bomLength   3 if the file starts with a byte-order mark, else 0
     * @param headerLine  the first line, or null if none within 4096 bytes
     * @param end         the end of the last complete row
     * @param quarantined where a torn tail was moved, or null
     */
    record Opened(FileChannel channel, FileLock lock, int bomLength, String headerLine, long end,
                  Path quarantined) {
    }

    private final Path file;
    private final String what;
    private final AppendOnlyFile.Errors errors;

    private FileRecovery(Path file, String what, AppendOnlyFile.Errors errors) {
        this.file = file;
        this.what = what;
        this.errors = errors;
    }

    /** Opens, locks and recovers {@code file} (absolute); on failure nothing stays open. */
    static Opened open(Path file, String what, String header, Duration lockTimeout, Clock clock,
                       AppendOnlyFile.ChannelOpener opener, AppendOnlyFile.Errors errors) {
        return new FileRecovery(file, what, errors).open(header, lockTimeout, clock, opener);
    }

    private Opened open(String header, Duration lockTimeout, Clock clock, AppendOnlyFile.ChannelOpener opener) {
        FileChannel ch = null;
        FileLock lk = null;
        try {
            Path dir = file.getParent();
            Files.createDirectories(dir);
            boolean existed = Files.exists(file);
            ch = opener.open(file);
            lk = acquireLock(ch, lockTimeout);
            if (!existed) {
                FileIo.forceDirectory(dir);
            }
            long size = ch.size();
            int bom = 0;
            if (size >= 3) {
                byte[] head = new byte[3];
                FileIo.readFully(ch, ByteBuffer.wrap(head), 0);
                if (Arrays.equals(head, BOM)) {
                    bom = 3;
                }
            }
            long goodEnd = lastCompleteRecordEnd(ch, size);
            Path q = null;
            if (goodEnd < size) {
                q = quarantineTail(ch, goodEnd, size, clock);
                size = goodEnd;
            }
            if (size <= bom) {
                byte[] h = (header + "\n").getBytes(StandardCharsets.UTF_8);
                ch.truncate(bom);
                FileIo.writeFully(ch, ByteBuffer.wrap(h), bom);
                ch.force(true);
                size = bom + h.length;
            }
            return new Opened(ch, lk, bom, readHeaderLine(ch, bom), size, q);
        } catch (IOException e) {
            FileIo.closeQuietly(lk, ch);
            throw errors.io("cannot open " + what + " " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            FileIo.closeQuietly(lk, ch);
            throw e;
        }
    }

    private FileLock acquireLock(FileChannel ch, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            FileLock lk;
            try {
                lk = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lk = null;
            }
            if (lk != null) {
                return lk;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw errors.locked(what + " " + file + " is locked by another process or instance (waited "
                        + timeout.toMillis() + " ms); only one writer may hold a " + what);
            }
            try {
                Thread.sleep(Math.min(50, Math.max(1, timeout.toMillis() / 10)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw errors.locked("interrupted while waiting for the lock on " + file);
            }
        }
    }

    /**
     * Scans the bytes with a quote-state machine and returns the offset just after the last
     * line feed that ends a record (outside quotes). Quote, comma and LF are ASCII, so the scan is
     * exact on UTF-8.
     */
    private static long lastCompleteRecordEnd(FileChannel ch, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        boolean inQuotes = false;
        long goodEnd = 0;
        long pos = 0;
        while (pos < size) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n <= 0) {
                break;
            }
            byte[] a = buf.array();
            for (int i = 0; i < n; i++) {
                byte c = a[i];
                if (c == '"') {
                    inQuotes = !inQuotes;
                } else if (c == '\n' && !inQuotes) {
                    goodEnd = pos + i + 1;
                }
            }
            pos += n;
        }
        return goodEnd;
    }

    private Path quarantineTail(FileChannel ch, long goodEnd, long size, Clock clock) throws IOException {
        Path q = file.resolveSibling(file.getFileName() + ".torn-" + clock.millis());
        int suffix = 0;
        while (Files.exists(q)) {
            q = file.resolveSibling(file.getFileName() + ".torn-" + clock.millis() + "-" + (++suffix));
        }
        try (FileChannel out = FileChannel.open(q, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long copied = 0;
            while (copied < size - goodEnd) {
                copied += ch.transferTo(goodEnd + copied, size - goodEnd - copied, out);
            }
            out.force(true);
        }
        FileIo.forceDirectory(file.getParent());
        ch.truncate(goodEnd);
        ch.force(true);
        LOG.warn("{} {}: {} bytes after the last complete row (a write cut short by a crash) were "
                + "moved to {}; every complete row is kept", what, file, size - goodEnd, q);
        return q;
    }

    private static String readHeaderLine(FileChannel ch, int bom) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_HEADER_BYTES);
        int n = ch.read(buf, bom);
        String head = new String(buf.array(), 0, Math.max(0, n), StandardCharsets.UTF_8);
        int nl = head.indexOf('\n');
        if (nl < 0) {
            return null;
        }
        String line = head.substring(0, nl);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
