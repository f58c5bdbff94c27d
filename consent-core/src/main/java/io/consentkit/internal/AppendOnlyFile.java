package io.consentkit.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

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
 * <p>Failures are reported with the owner's exception types through {@link Errors}.
 * Thread-safe.
 */
public final class AppendOnlyFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AppendOnlyFile.class);
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final int MAX_HEADER_BYTES = 4096;

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

    private final Path file;
    private final String what;
    private final Errors errors;
    private final FileChannel channel;
    private final FileLock lock;
    private final int bomLength;
    private final String headerLine;
    private final Path quarantined;

    // Group commit: appenders enqueue; whoever wins the leader flag writes and forces every queued
    // group and wakes their threads; the others park until their group is done.
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean leader = new AtomicBoolean();
    private volatile long position; // end of the last durable row; written only by the leader
    private volatile int lastGroup; // rows in the last group written
    private volatile String brokenReason;
    private volatile boolean closed;

    private static final class Pending {
        final byte[] bytes;
        final Thread waiter;
        Throwable failure; // written before done
        volatile boolean done;

        Pending(byte[] bytes, Thread waiter) {
            this.bytes = bytes;
            this.waiter = waiter;
        }
    }

    private AppendOnlyFile(Path file, String what, String header, Duration lockTimeout, Clock clock,
                           ChannelOpener opener, Errors errors) {
        this.file = file.toAbsolutePath();
        this.what = what;
        this.errors = errors;
        FileChannel ch = null;
        FileLock lk = null;
        try {
            Path dir = this.file.getParent();
            Files.createDirectories(dir);
            boolean existed = Files.exists(this.file);
            ch = opener.open(this.file);
            lk = acquireLock(ch, lockTimeout);
            if (!existed) {
                forceDirectory(dir);
            }
            long size = ch.size();
            int bom = 0;
            if (size >= 3) {
                byte[] head = new byte[3];
                readFully(ch, ByteBuffer.wrap(head), 0);
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
                writeFully(ch, ByteBuffer.wrap(h), bom);
                ch.force(true);
                size = bom + h.length;
            }
            this.headerLine = readHeaderLine(ch, bom);
            this.bomLength = bom;
            this.position = size;
            this.quarantined = q;
            this.channel = ch;
            this.lock = lk;
        } catch (IOException e) {
            closeQuietly(lk, ch);
            throw errors.io("cannot open " + what + " " + this.file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lk, ch);
            throw e;
        }
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
        return new AppendOnlyFile(Objects.requireNonNull(file, "file"), what, header, lockTimeout, clock,
                opener, errors);
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
        return new BoundedChannelInputStream(channel, bomLength, position);
    }

    /** Reads a byte range of the file's channel with positional reads. */
    @FunctionalInterface
    public interface RangeReader {
        void read(FileChannel channel, long start, long end) throws IOException;
    }

    /**
     * Hands {@code reader} the channel and the range of every complete row appended so far (from the
     * header line on, after a byte-order mark). Positional reads only; appends may run meanwhile.
     */
    public void read(RangeReader reader) throws IOException {
        ensureOpen();
        reader.read(channel, bomLength, position);
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
        Thread me = Thread.currentThread();
        Pending p = new Pending(rows, me);
        queue.add(p);
        while (!p.done) {
            if (leader.compareAndSet(false, true)) {
                try {
                    // One group per leadership: the leader's caller then returns and queues its next rows
                    // like everyone else, and the oldest waiter is woken to lead the next group. Before
                    // draining, a leader lets the previous group's threads come back (bounded wait, far
                    // below one force) so each force carries a full group.
                    {
                        if (lastGroup > 1) {
                            gather(lastGroup);
                        }
                        List<Pending> batch = new ArrayList<>();
                        for (Pending q; (q = queue.poll()) != null; ) {
                            batch.add(q);
                        }
                        if (batch.isEmpty()) {
                            continue; // an earlier leader took our rows: wait for its force
                        }
                        long start = position;
                        Throwable failure = null;
                        long end = start;
                        try {
                            end = writeBatch(batch, start);
                        } catch (Throwable t) {
                            failure = t;
                            rollback(start);
                        }
                        if (failure == null) {
                            position = end;
                        }
                        for (Pending q : batch) {
                            q.failure = failure;
                            q.done = true;
                            if (q.waiter != me) {
                                LockSupport.unpark(q.waiter);
                            }
                        }
                        lastGroup = batch.size();
                    }
                } finally {
                    leader.set(false);
                }
                Pending next = queue.peek(); // queued after the last drain: wake it to lead
                if (next != null) {
                    LockSupport.unpark(next.waiter);
                }
            } else if (closed && queue.remove(p)) {
                p.failure = new IOException("closed"); // closed while queued: never written
                break;
            } else {
                LockSupport.parkNanos(this, 1_000_000L); // woken by the leader; the timeout is a safety net
            }
        }
        if (p.failure != null) {
            throw errors.io("append to " + what + " " + file + " failed; nothing was appended: "
                    + p.failure.getMessage(), p.failure);
        }
    }

    /** Longest a leader waits for the threads it just woke to come back with their next rows. */
    private static final long GATHER_NANOS = 50_000;

    /**
     * After a group of {@code lastSize} rows, gives the woken threads a moment (at most
     * {@link #GATHER_NANOS}, far less than one force) to queue their next rows, so the next force
     * carries a full group rather than the first few arrivals. A busy writer pays microseconds of
     * latency for a force shared by every thread; a lone writer never waits.
     */
    private void gather(int lastSize) {
        long deadline = System.nanoTime() + GATHER_NANOS;
        int seen = -1;
        while (System.nanoTime() < deadline) {
            int queued = 0;
            for (Pending ignored : queue) {
                if (++queued >= lastSize) {
                    return;
                }
            }
            if (queued == seen && queued > 0) {
                Thread.yield();
            }
            seen = queued;
            Thread.onSpinWait();
        }
    }

    private long writeBatch(List<Pending> batch, long start) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        String broken = brokenReason;
        if (broken != null) {
            throw new IOException("refusing writes: " + broken);
        }
        ByteBuffer buf;
        if (batch.size() == 1) {
            buf = ByteBuffer.wrap(batch.get(0).bytes);
        } else {
            // one write system call for the whole group, then one force
            int total = 0;
            for (Pending p : batch) {
                total += p.bytes.length;
            }
            byte[] all = new byte[total];
            int off = 0;
            for (Pending p : batch) {
                System.arraycopy(p.bytes, 0, all, off, p.bytes.length);
                off += p.bytes.length;
            }
            buf = ByteBuffer.wrap(all);
        }
        long pos = start + writeFully(channel, buf, start);
        channel.force(false);
        return pos;
    }

    private void rollback(long start) {
        try {
            channel.truncate(start);
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            brokenReason = "a failed write could not be rolled back (" + e.getMessage() + "); reopen it";
            LOG.error("{} {}: {}", what, file, brokenReason);
        }
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Releases the lock and closes the file. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // wait for a write in progress to finish, then hold the leader flag for good
        while (!leader.compareAndSet(false, true)) {
            LockSupport.parkNanos(this, 100_000L);
        }
        for (Pending q; (q = queue.poll()) != null; ) {
            q.failure = new IOException("closed");
            q.done = true;
            LockSupport.unpark(q.waiter);
        }
        closeQuietly(lock, channel);
    }

    private void ensureOpen() {
        if (closed) {
            throw errors.io(what + " " + file + " is closed", null);
        }
    }

    // ---- open-time helpers -------------------------------------------------------------------

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
        forceDirectory(file.getParent());
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

    private static int writeFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            total += ch.write(buf, pos + total);
        }
        return total;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /** Forces a directory's entries to disk where the platform allows it. */
    public static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some platforms cannot open or force a directory; the file itself is still forced
            LOG.debug("could not force directory {}: {}", dir, e.toString());
        }
    }

    private static void closeQuietly(FileLock lk, FileChannel ch) {
        try {
            if (lk != null && lk.isValid()) {
                lk.release();
            }
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        }
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    /** Reads [start, end) of a channel with positional reads, leaving the channel's position alone. */
    private static final class BoundedChannelInputStream extends InputStream {
        private final FileChannel ch;
        private long pos;
        private final long end;

        BoundedChannelInputStream(FileChannel ch, long start, long end) {
            this.ch = ch;
            this.pos = start;
            this.end = end;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos >= end) {
                return -1;
            }
            int want = (int) Math.min(len, end - pos);
            int n = ch.read(ByteBuffer.wrap(b, off, want), pos);
            if (n > 0) {
                pos += n;
            }
            return n;
        }
    }
}
