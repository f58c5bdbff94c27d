package io.consentkit.internal;

import io.consentkit.support.Masking;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The byte-level machinery of an append-only, line-oriented CSV file that must be durable: shared
 * by the consent journal ({@code CsvConsentStore}) and the send log ({@code CsvSendLog}). Not
 * public API.
 *
 * <ul>
 *   <li><b>Durable appends with group commit.</b> {@link #append} returns after the bytes are
 *       written and forced ({@code fdatasync}); concurrent appends are written and forced together
 *       by one flusher thread per file (started on the first append). A new file's directory entry
 *       is forced too.</li>
 *   <li><b>One writer.</b> A per-JVM registry and an OS lock on {@code <name>.lock} (see
 *       {@code WriterLock}); another process or instance waits up to the lock timeout and then
 *       fails. Reading the file itself, from anywhere, cannot release that lock.</li>
 *   <li><b>Fail closed.</b> Before and after every group the writer checks that its lock holds, that
 *       the path still names the file it opened (not deleted, not replaced) and that the file ends
 *       exactly where its rows end (nobody else wrote to it or cut it); otherwise it stops and
 *       refuses every later append, without overwriting or cutting anything.</li>
 *   <li><b>Validation before repair.</b> The header and the rows are checked with the owner's
 *       {@link Format} (its own row parser) before anything is changed; a failing open changes no
 *       byte. Only a final fragment that does not parse as a complete row is a torn tail: it is moved
 *       to a quarantine file ({@code <name>.torn-<millis>}) by a writable open; a complete last row
 *       without its line end is kept and gets one.</li>
 *   <li><b>Read-only opens</b> ({@link #openReadOnly}) take no lock, create, repair and write
 *       nothing, and work while a writer holds the file; their view ends at the last complete row
 *       found at open.</li>
 *   <li><b>Failed writes.</b> A failed write or force cuts the file back to where the batch began
 *       and the append throws; if even that fails, the file refuses further appends.</li>
 * </ul>
 *
 * <p>This class is the facade over the parts: open-time checks and recovery ({@code FileRecovery},
 * {@code FileScan}), the lock ({@code WriterLock}), the write path ({@code GroupCommit}: the
 * lock-free queue, the flusher, the shared force, rollback) and positional reads of the durable
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

        /** The file is not a valid file of its kind. Default: {@link #io} without a cause. */
        default RuntimeException format(String message) {
            return io(message, null);
        }

        /** A write to a file opened read-only. Default: {@link #io} without a cause. */
        default RuntimeException readOnly(String message) {
            return io(message, null);
        }
    }

    /**
     * The owner's view of its rows, so that open-time checks use the same parser as the owner's
     * reads and cannot disagree with them. Called on one thread during one open.
     */
    public interface Format {
        /**
         * Checks the header line (without terminator, after a byte-order mark), or {@code null} when
         * the file has no line end in its first 4096 bytes.
         *
         * @throws RuntimeException the owner's exception if it is not this file kind's header
         */
        void checkHeader(String headerLine);

        /**
         * Parses every record in {@code [start, end)} of {@code ch}, the header line being line 1
         * (lines count every line feed, inside quotes too).
         *
         * @return the line the last record starts on, or the first record that does not parse
         */
        Scan scan(FileChannel ch, long start, long end) throws IOException;

        /**
         * Whether {@code [start, end)} is exactly one complete row: its cell count matches the
         * header, and with {@code decode} every field is valid too. Never throws for bad content.
         */
        boolean isCompleteRow(FileChannel ch, long start, long end, boolean decode) throws IOException;

        /** The owner's exception for an invalid row starting on {@code line}. */
        RuntimeException invalid(long line, String problem);
    }

    /**
     * What {@link Format#scan} found. Immutable.
     *
     * @param lastLine  the line the last record starts on
     * @param error     the owner's exception for the first record that does not parse, or null
     * @param errorLine the line that record starts on (when {@code error} is set)
     */
    public record Scan(long lastLine, RuntimeException error, long errorLine) {
    }

    /**
     * What the write path did since open: groups forced, rows in them, nanoseconds spent writing and
     * forcing them, and the gaps between the end of one force and the start of the next group's write
     * while rows were waiting (their count and total nanoseconds; idle time is not a gap). Immutable.
     */
    public record Stats(long forces, long rows, long forceNanos, long busyGaps, long busyGapNanos) {
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
    private final WriterLock writerLock;
    private final FileLock legacyLock;
    private final Object fileKey;
    private final int bomLength;
    private final String headerLine;
    private final Path quarantined;
    private final long tornTail;
    private final GroupCommit writes;

    private AppendOnlyFile(Path file, String what, FileRecovery.Opened opened, Errors errors) {
        this.file = file;
        this.what = what;
        this.errors = errors;
        this.channel = opened.channel();
        this.writerLock = opened.writerLock();
        this.legacyLock = opened.legacyLock();
        this.fileKey = opened.fileKey();
        this.bomLength = opened.bomLength();
        this.headerLine = opened.headerLine();
        this.quarantined = opened.quarantined();
        this.tornTail = opened.tornTail();
        this.writes = new GroupCommit(channel, opened.end(), what, file, this::verify);
    }

    /**
     * Opens (or creates, with its folder) an append-only file whose header must be exactly
     * {@code header} and whose rows are only ever written by this library (a quote-aware scan
     * finds where they end; any final fragment without a line end is a torn tail).
     *
     * @param what        what the file is, for messages ("consent journal", "send log")
     * @param header      the first line written to an empty file, without line terminator
     * @param lockTimeout how long to wait for another holder's lock
     * @param clock       names quarantine files
     */
    public static AppendOnlyFile open(Path file, String what, String header, Duration lockTimeout, Clock clock,
                                      ChannelOpener opener, Errors errors) {
        return open(file, what, header, List.of(header), lockTimeout, clock, opener, errors);
    }

    /**
     * As {@link #open(Path, String, String, Duration, Clock, ChannelOpener, Errors)}, for a file whose
     * header may also be one of its older forms: {@code accepted} lists every header it may carry
     * ({@code header}, written to an empty file, among them).
     */
    public static AppendOnlyFile open(Path file, String what, String header, List<String> accepted,
                                      Duration lockTimeout, Clock clock, ChannelOpener opener, Errors errors) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath();
        return open(absolute, what, header, lockTimeout, clock, opener, errors, exactHeader(absolute, what, header,
                List.copyOf(accepted), errors));
    }

    /**
     * Opens (or creates, with its folder) an append-only file checked with the owner's
     * {@code format}.
     */
    public static AppendOnlyFile open(Path file, String what, String header, Duration lockTimeout, Clock clock,
                                      ChannelOpener opener, Errors errors, Format format) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath();
        FileRecovery.Opened opened = FileRecovery.open(absolute, what, header, lockTimeout, clock, opener, errors,
                format);
        return new AppendOnlyFile(absolute, what, opened, errors);
    }

    /**
     * Opens an existing file for reading only: takes no lock, never creates, repairs or writes
     * anything, and works while a writer holds the file. Its view is the complete rows found now
     * (a file without rows yet reads as just {@code header}); {@link #append} throws the owner's
     * {@link Errors#readOnly} exception.
     */
    public static AppendOnlyFile openReadOnly(Path file, String what, String header, Errors errors, Format format) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath();
        FileRecovery.Opened opened = FileRecovery.openReadOnly(absolute, what, header, errors, format);
        return new AppendOnlyFile(absolute, what, opened, errors);
    }

    /**
     * As {@link #openReadOnly(Path, String, String, Errors, Format)}, for a file whose rows only this
     * library writes and whose header must be one of {@code accepted}: the checks of
     * {@link #open(Path, String, String, List, Duration, Clock, ChannelOpener, Errors)}, read-only.
     */
    public static AppendOnlyFile openReadOnly(Path file, String what, String header, List<String> accepted,
                                              Errors errors) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath();
        return openReadOnly(absolute, what, header, errors, exactHeader(absolute, what, header, List.copyOf(accepted),
                errors));
    }

    /** True if this file was opened with {@link #openReadOnly}. */
    public boolean isReadOnly() {
        return writerLock == null;
    }

    private static Format exactHeader(Path file, String what, String header, List<String> accepted, Errors errors) {
        return new Format() {
            @Override
            public void checkHeader(String line) {
                if (line == null || !accepted.contains(line)) {
                    throw errors.format(what + " " + file + " line 1: header is not the " + what + "'s ("
                            + (line == null ? "missing" : "'" + Masking.printable(line)
                            + "'") + "); expected '" + header + "'; nothing was changed");
                }
            }

            @Override
            public Scan scan(FileChannel ch, long start, long end) throws IOException {
                return FileScan.quoteScan(ch, start, end, this);
            }

            @Override
            public boolean isCompleteRow(FileChannel ch, long start, long end, boolean decode) {
                return false;
            }

            @Override
            public RuntimeException invalid(long line, String problem) {
                return errors.format(what + " " + file + " line " + line + ": row " + problem);
            }
        };
    }

    /** The file, as an absolute path. */
    public Path file() {
        return file;
    }

    /**
     * True if the path still names the file this instance opened (same file identity; always true where
     * the platform has none).
     */
    public boolean stillAtPath() throws IOException {
        return fileKey == null || fileKey.equals(WriterLock.fileKey(file));
    }

    /** The length of the byte-order mark the file starts with: 3, or 0 if none. */
    public int bomLength() {
        return bomLength;
    }

    /**
     * Read-only opens: how many bytes after the last complete row the view leaves out (a torn tail,
     * or a header a writer would rewrite); 0 if none, and always 0 for a writable open.
     */
    public long tornTailBytes() {
        return tornTail;
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
        if (writerLock == null) {
            throw errors.readOnly(what + " " + file + " is open read-only; nothing was appended (open it without "
                    + "read-only to write)");
        }
        acknowledge(writes.append(rows));
    }

    /**
     * Starts (or continues) a hash chain for {@link #appendChained}: the next chained row links from
     * {@code link} (a {@link HashChain} value: the last complete row's link, or the genesis). Called by
     * the owner once, after open and before any append.
     */
    public void startChain(byte[] link) {
        if (link == null || link.length != HashChain.BYTES) {
            throw new IllegalArgumentException("a chain link is " + HashChain.BYTES + " bytes");
        }
        writes.startChain(link);
    }

    /** The chain's last durable link (after {@link #startChain}): what the next chained row links from. */
    public byte[] chainHead() {
        return writes.head();
    }

    /**
     * Appends chained rows durably, as {@link #append} does: under the writer's group commit, in write
     * order, each row gets its link ({@link HashChain#link}(previous link, digest)) and is written as
     * {@code prefix,<digest hex>,<link hex>} and a line feed. Requires {@link #startChain}.
     *
     * @param prefixes each row's bytes before its two chain cells (no separator after, no line end)
     * @param digests  each row's digest, {@link HashChain#BYTES} bytes
     * @throws RuntimeException the owner's I/O exception if the write failed; then nothing was appended
     *                          and the chain's head is where it was
     */
    public void appendChained(byte[][] prefixes, byte[][] digests) {
        if (prefixes.length != digests.length) {
            throw new IllegalArgumentException("one digest per row");
        }
        if (prefixes.length == 0) {
            return;
        }
        ensureOpen();
        if (writerLock == null) {
            throw errors.readOnly(what + " " + file + " is open read-only; nothing was appended (open it without "
                    + "read-only to write)");
        }
        acknowledge(writes.appendChained(prefixes, digests));
    }

    private void acknowledge(Throwable failure) {
        if (failure instanceof WriterLock.FileChangedException) {
            throw errors.io(what + " " + file + " was changed by someone else under this writer: "
                    + failure.getMessage() + "; these rows were not acknowledged and this store accepts no more "
                    + "appends (reopen it)", failure);
        }
        if (failure != null) {
            throw errors.io("append to " + what + " " + file + " failed; nothing was appended: "
                    + failure.getMessage(), failure);
        }
    }

    /** What the write path did since open (all zero for a read-only open). */
    public Stats writeStats() {
        return writes.stats();
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return writes.isClosed();
    }

    /** Releases the lock and closes the file. Idempotent. */
    @Override
    public void close() {
        if (writes.close()) {
            FileIo.closeQuietly(legacyLock, channel);
            if (writerLock != null) {
                writerLock.release();
            }
        }
    }

    /** Run by the flusher before each write and after each force. */
    private void verify(long expectedSize) throws IOException {
        writerLock.verify();
        Object now = WriterLock.fileKey(file);
        if (now == null && !java.nio.file.Files.exists(file)) {
            throw new WriterLock.FileChangedException("it was deleted");
        }
        if (fileKey != null && !fileKey.equals(now)) {
            throw new WriterLock.FileChangedException("it was replaced by another file at the same path (moved or "
                    + "copied over); rows appended by this writer after the replacement are only in the old file");
        }
        long size = channel.size();
        if (size != expectedSize) {
            throw new WriterLock.FileChangedException("it is " + size + " bytes long but this writer's rows end at byte "
                    + expectedSize + " (another process wrote to it or cut it)");
        }
    }

    /**
     * Where the complete rows of {@code [from, size)} of {@code ch} end, as a read-only open's view
     * would end them: {@code from} is the start of a row whose predecessors are already known (a tail),
     * and only this range is read. A final fragment that is a complete row without its line end counts;
     * one that is not (a write in progress, or cut short) is left out.
     *
     * @throws RuntimeException the owner's format exception where a whole-file open would fail in the range
     */
    public static long completeRowsEnd(FileChannel ch, long from, long size, Format format) throws IOException {
        return FileScan.completeRowsEnd(ch, from, size, format);
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
