package io.consentkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The byte-level machinery of an append-only, line-oriented CSV file that must be durable: shared
 * by the consent journal ({@code CsvConsentStore}) and the send log ({@code CsvSendLog}). Not
 * public API.
 *
 * <ul>
 *   <li><b>Durable appends with group commit.</b> {@link #append} returns after the bytes are
 *       written and forced ({@code fdatasync}); concurrent appends are written and forced together
 *       by one leader thread. A new file's directory entry is forced too.</li>
 *   <li><b>One writer.</b> The file is locked ({@link FileChannel#lock}) while open; another
 *       process or instance waits up to the lock timeout and then fails.</li>
 *   <li><b>Torn tails.</b> Bytes after the last complete row (outside quotes) found on open are
 *       moved to a quarantine file ({@code <name>.torn-<millis>}) and the file is cut back to its
 *       last complete row.</li>
 *   <li><b>Failed writes.</b> A failed write or force cuts the file back to where the batch began
 *       and the append throws; if even that fails, the file refuses further appends.</li>
 *   <li><b>Header.</b> An empty file gets {@code header} as its first line; a UTF-8 byte-order
 *       mark is tolerated and skipped.</li>
 * </ul>
 *
 * <p>This class is the facade over three parts: open-time recovery ({@code FileRecovery}: lock,
 * byte-order mark, torn-tail quarantine, header), the write path ({@code GroupCommit}: the
 * lock-free queue, the leader, the shared force, rollback) and positional reads of the durable
 * prefix. Failures are reported with the owner's exception types through {@link Errors}.
 * Thread-safe.
 */
public final class AppendOnlyFile implements AutoCloseable {

    /** Opens a channel on the file; replaceable in tests to inject faults. */
    @FunctionalInterface
    public interface ChannelOpener {
        FileChannel open(Path path) throws IOException;
    }

    /** The default opener: create, read, write. */
    public static final ChannelOpener DEFAULT_OPENER = p -> FileChannel.open(p, StandardOpenOption.CREATE,
            StandardOpenOption.READ, StandardOpenOption.WRITE);

    /** Builds the owner's exceptions. */
    public interface Errors {
        /** Another process or instance holds the file. */
        RuntimeException locked(String message);

        /** An I/O failure, or use of a closed file ({@code cause} may be null). */
        RuntimeException io(String message, Throwable cause);
    }

    /** Reads a byte range of the file's channel with positional reads. */
    @FunctionalInterface
    public interface RangeReader {
        void read(FileChannel channel, long start, long end) throws IOException;
    }

    private final Path file;
    private final String what;
    private final Errors errors;
    private final FileChannel channel;
    private final FileLock lock;
    private final int bomLength;
    private final String headerLine;
    private final Path quarantined;
    private final GroupCommit writes;

    private AppendOnlyFile(Path file, String what, FileRecovery.Opened opened, Errors errors) {
        this.file = file;
        this.what = what;
        this.errors = errors;
        this.channel = opened.channel();
        this.lock = opened.lock();
        this.bomLength = opened.bomLength();
        this.headerLine = opened.headerLine();
        this.quarantined = opened.quarantined();
        this.writes = new GroupCommit(channel, opened.end(), what, file);
    }

    /**
     * Opens (or creates, with its folder) an append-only file.
     *
     * @param what        what the file is, for messages ("consent journal", "send log")
     * @param header      the first line written to an empty file, without line terminator
     * @param lockTimeout how long to wait for another holder's lock
     * @param clock       names quarantine files
     */
    public static AppendOnlyFile open(Path file, String what, String header, Duration lockTimeout, Clock clock,
                                      ChannelOpener opener, Errors errors) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath();
        FileRecovery.Opened opened = FileRecovery.open(absolute, what, header, lockTimeout, clock, opener, errors);
        return new AppendOnlyFile(absolute, what, opened, errors);
    }

    /** The file, as an absolute path. */
    public Path file() {
        return file;
    }

    /** Where a torn last row found on open was moved, or null. */
    public Path quarantined() {
        return quarantined;
    }

    /**
     * The first line of the file (after a byte-order mark), without its line terminator, or null
     * if the file has no complete first line within 4096 bytes.
     */
    public String headerLine() {
        return headerLine;
    }

    /**
     * A stream over every complete row appended so far, from the header line on (after a
     * byte-order mark). Rows appended after this call are not included. Reads are positional and
     * may run while other threads append.
     */
    public InputStream read() {
        ensureOpen();
        return new ChannelRangeInputStream(channel, bomLength, writes.durableEnd());
    }

    /**
     * Hands {@code reader} the channel and the range of every complete row appended so far (from the
     * header line on, after a byte-order mark). Positional reads only; appends may run meanwhile.
     */
    public void read(RangeReader reader) throws IOException {
        ensureOpen();
        reader.read(channel, bomLength, writes.durableEnd());
    }

    /** The owner's exception for a read failure while reading the file. */
    public RuntimeException readFailure(IOException e) {
        return errors.io("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }

    /**
     * Appends complete rows (each ending in a line feed) durably: returns once they are written and
     * forced. Concurrent callers share one write and one force.
     *
     * @throws RuntimeException the owner's I/O exception if the write failed; then nothing was
     *                          appended
     */
    public void append(byte[] rows) {
        if (rows.length == 0) {
            return;
        }
        ensureOpen();
        Throwable failure = writes.append(rows);
        if (failure != null) {
            throw errors.io("append to " + what + " " + file + " failed; nothing was appended: "
                    + failure.getMessage(), failure);
        }
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return writes.isClosed();
    }

    /** Releases the lock and closes the file. Idempotent. */
    @Override
    public void close() {
        if (writes.close()) {
            FileIo.closeQuietly(lock, channel);
        }
    }

    /** Forces a directory's entries to disk where the platform allows it. */
    public static void forceDirectory(Path dir) {
        FileIo.forceDirectory(dir);
    }

    private void ensureOpen() {
        if (writes.isClosed()) {
            throw errors.io(what + " " + file + " is closed", null);
        }
    }
}
