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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Opening an {@link AppendOnlyFile}. A writable open: create the folder, take the writer lock
 * ({@link WriterLock}), open (or create) the file, scan it without changing it ({@link FileScan}:
 * byte-order mark, header checked by the owner, rows parsed by the owner's parser), and only then
 * apply the one repair the scan names (write the header, add a missing final line end, or move a
 * torn tail to a quarantine file and cut the file back). A read-only open opens the existing file
 * for reading and scans it: no lock, no repair, no file or folder created. A failing open changes
 * no byte and leaves nothing open or locked. Stateless apart from one open in progress; not shared
 * between threads.
 */
final class FileRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(AppendOnlyFile.class);

    /**
     * A file ready for appends (or, read-only, for reads).
     *
     * @param channel     the open channel
     * @param writerLock  the writer lock, or null for a read-only open
     * @param legacyLock  the OS lock on the file itself (kept for older versions), or null
     * @param fileKey     the file's key when opened, or null if the platform has none
     * @param bomLength   3 if the file starts with a byte-order mark, else 0
     * @param headerLine  the header line
     * @param end         the end of the last complete row
     * @param quarantined where a torn tail was moved, or null
     * @param tornTail    read-only: the bytes after the last complete row, left where they are (else 0)
     */
    record Opened(FileChannel channel, WriterLock writerLock, FileLock legacyLock, Object fileKey, int bomLength,
                  String headerLine, long end, Path quarantined, long tornTail) {
    }

    private final Path file;
    private final String what;
    private final AppendOnlyFile.Errors errors;

    private FileRecovery(Path file, String what, AppendOnlyFile.Errors errors) {
        this.file = file;
        this.what = what;
        this.errors = errors;
    }

    /** Opens, locks and recovers {@code file} (absolute) for appends; on failure nothing stays open. */
    static Opened open(Path file, String what, String header, Duration lockTimeout, Clock clock,
                       AppendOnlyFile.ChannelOpener opener, AppendOnlyFile.Errors errors, AppendOnlyFile.Format format) {
        return new FileRecovery(file, what, errors).openWritable(header, lockTimeout, clock, opener, format);
    }

    /** Opens {@code file} (absolute) for reading only; creates, locks and changes nothing. */
    static Opened openReadOnly(Path file, String what, String header, AppendOnlyFile.Errors errors,
                               AppendOnlyFile.Format format) {
        return new FileRecovery(file, what, errors).openForReading(header, format);
    }

    private Opened openWritable(String header, Duration lockTimeout, Clock clock, AppendOnlyFile.ChannelOpener opener,
                                AppendOnlyFile.Format format) {
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        WriterLock wl = null;
        FileChannel ch = null;
        FileLock legacy = null;
        try {
            Path dir = file.getParent();
            Files.createDirectories(dir);
            wl = WriterLock.acquire(file, what, lockTimeout, errors);
            Object before = WriterLock.fileKey(file);
            ch = opener.open(file);
            Object key = WriterLock.fileKey(file);
            if (before != null && !Objects.equals(before, key)) {
                throw errors.io("cannot open " + what + " " + file + ": it was replaced while being opened", null);
            }
            if (before == null) {
                FileIo.forceDirectory(dir);
            }
            if (key != null) {
                wl.bindFileKey(key, what, file, errors); // a hard link of a journal open here is refused
            }
            legacy = legacyLock(ch, deadline, lockTimeout);
            FileScan.Result scan = FileScan.scan(ch, header, format);
            Path q = null;
            long end = scan.goodEnd();
            switch (scan.repair()) {
                case NONE -> {
                }
                case WRITE_HEADER -> end = writeHeader(ch, scan.bom(), header);
                case REWRITE_HEADER -> {
                    q = quarantine(ch, scan.bom(), scan.size(), clock);
                    end = writeHeader(ch, scan.bom(), header);
                }
                case ADD_NEWLINE -> {
                    FileIo.writeFully(ch, ByteBuffer.wrap(new byte[] {'\n'}), scan.size());
                    ch.force(false);
                    end = scan.size() + 1;
                    LOG.info("{} {}: its last row had no line end; added one", what, file);
                }
                case QUARANTINE_TAIL -> q = quarantine(ch, scan.goodEnd(), scan.size(), clock);
                default -> throw new IllegalStateException(scan.repair().name());
            }
            return new Opened(ch, wl, legacy, key, scan.bom(), scan.headerLine(), end, q, 0);
        } catch (IOException e) {
            close(legacy, ch, wl);
            throw errors.io("cannot open " + what + " " + file + ": " + FileIo.describe(e, file), e);
        } catch (RuntimeException e) {
            close(legacy, ch, wl);
            throw e;
        }
    }

    private Opened openForReading(String header, AppendOnlyFile.Format format) {
        FileChannel ch = null;
        try {
            if (Files.isDirectory(file)) {
                throw errors.io("cannot open " + what + " " + file + ": it is a folder, not a file", null);
            }
            Object key = WriterLock.fileKey(file);
            ch = FileChannel.open(file, StandardOpenOption.READ);
            FileScan.Result scan = FileScan.scan(ch, header, format);
            if (scan.repair() == FileScan.Repair.QUARANTINE_TAIL || scan.repair() == FileScan.Repair.REWRITE_HEADER) {
                LOG.info("{} {}: {} bytes after the last complete row are not a complete row (a write in progress, "
                        + "or cut short by a crash); this read-only view ends before them and leaves them as they are",
                        what, file, scan.size() - scan.goodEnd());
            }
            long end = scan.repair() == FileScan.Repair.ADD_NEWLINE ? scan.size() : scan.goodEnd();
            return new Opened(ch, null, null, key, scan.bom(), scan.headerLine(), end, null, scan.size() - end);
        } catch (NoSuchFileException e) {
            close(null, ch, null);
            throw errors.io("cannot open " + what + " " + file + " for reading: it does not exist (a read-only open "
                    + "creates nothing)", e);
        } catch (IOException e) {
            close(null, ch, null);
            throw errors.io("cannot open " + what + " " + file + " for reading: " + FileIo.describe(e, file), e);
        } catch (RuntimeException e) {
            close(null, ch, null);
            throw e;
        }
    }

    private static void close(FileLock legacy, FileChannel ch, WriterLock wl) {
        FileIo.closeQuietly(legacy, ch);
        if (wl != null) {
            wl.release();
        }
    }

    /**
     * Also locks the file itself, as versions before the lock file did, so that such a version
     * running elsewhere is refused. Best effort against those versions only: this lock is lost
     * when any descriptor of the file in this JVM is closed; the lock file is what counts.
     */
    private FileLock legacyLock(FileChannel ch, long deadline, Duration timeout) throws IOException {
        while (true) {
            FileLock lk;
            try {
                lk = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lk = null; // another channel of this JVM (outside this library) holds it
            }
            if (lk != null) {
                return lk;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw errors.locked(what + " " + file + " is locked by another process (waited " + timeout.toMillis()
                        + " ms); only one writer may hold a " + what);
            }
            try {
                Thread.sleep(Math.max(1, Math.min(20, timeout.toMillis() / 10)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw errors.locked("interrupted while waiting for the lock on " + file);
            }
        }
    }

    private static long writeHeader(FileChannel ch, int bom, String header) throws IOException {
        byte[] h = (header + "\n").getBytes(StandardCharsets.UTF_8);
        ch.truncate(bom);
        FileIo.writeFully(ch, ByteBuffer.wrap(h), bom);
        ch.force(true);
        return bom + h.length;
    }

    private Path quarantine(FileChannel ch, long goodEnd, long size, Clock clock) throws IOException {
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
        LOG.warn("{} {}: {} bytes after the last complete row do not parse as a row (a write cut short by a "
                + "crash) and were moved to {}; every complete row is kept", what, file, size - goodEnd, q);
        return q;
    }
}
