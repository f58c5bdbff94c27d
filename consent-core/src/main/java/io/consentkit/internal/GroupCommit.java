package io.consentkit.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The write path of an {@link AppendOnlyFile}: durable appends with group commit by one dedicated
 * flusher thread. Appenders queue their rows and park; the flusher (started on the first append)
 * writes every queued row with one write and one force ({@code fdatasync}), marks them done and wakes
 * their threads, then takes the next group. Appenders never write themselves, so an appender that is
 * interrupted cannot close the channel (a {@link FileChannel} closes itself when a thread using it is
 * interrupted) and no appender hands the write over to another. After a group, the flusher lets the
 * threads it just woke come back with their next rows (bounded, far below one force) so that every
 * appender still writing joins the next force.
 *
 * <p>Before writing, the flusher checks (through a {@link Check}) that the file still is the one this
 * writer holds and ends where its rows end, and checks again after the force; a file changed by
 * someone else ({@link WriterLock.FileChangedException}) stops every later append, with nothing cut
 * back (the bytes past this writer's end are not its own). A failed write or force cuts the file back
 * to where the group began; if even that fails, every later append is refused. Owns no file handle:
 * the channel is the caller's to close, after {@link #close()} (which waits for the flusher).
 * Thread-safe.
 */
final class GroupCommit {
    private static final Logger LOG = LoggerFactory.getLogger(AppendOnlyFile.class);

    /** Longest the flusher waits for the threads it just woke to come back with their next rows. */
    private static final long GATHER_NANOS = 50_000;

    /** Checks the file before and after each group. */
    @FunctionalInterface
    interface Check {
        /**
         * @param expectedSize the size the file must have: where this writer's rows end
         * @throws WriterLock.FileChangedException if the file was changed by someone else
         */
        void verify(long expectedSize) throws IOException;
    }

    private final FileChannel channel;
    private final String what;
    private final Path file;
    private final Check check;

    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile long position; // end of the last durable row; written only by the flusher
    private volatile String brokenReason;
    private volatile boolean closed;
    private volatile byte[] head; // the chain's last link (chained appends); written only by the flusher
    private volatile boolean idle; // the flusher is about to park or parked: an appender must wake it
    private Thread flusher; // guarded by this
    private int lastActive; // flusher only: rows of the last group plus those queued during its force

    // flusher only, read through stats()
    private volatile long forces;
    private volatile long rows;
    private volatile long forceNanos;
    private volatile long busyGaps;
    private volatile long busyGapNanos;

    private static final class Pending {
        final byte[] bytes;
        final byte[][] prefixes; // chained rows: each row's bytes before its chain cells, or null
        final byte[][] digests;
        final Thread waiter;
        Throwable failure; // written before done
        volatile boolean done;

        Pending(byte[] bytes, byte[][] prefixes, byte[][] digests, Thread waiter) {
            this.bytes = bytes;
            this.prefixes = prefixes;
            this.digests = digests;
            this.waiter = waiter;
        }
    }

    /**
     * @param position where the next row goes: the end of the last complete row
     * @param what     what the file is, for the log
     * @param file     the file, for the log
     * @param check    run before each write and after each force
     */
    GroupCommit(FileChannel channel, long position, String what, Path file, Check check) {
        this.channel = channel;
        this.check = check;
        this.position = position;
        this.what = what;
        this.file = file;
    }

    /** The end of the last durable row: reads up to here see only complete rows. */
    long durableEnd() {
        return position;
    }

    boolean isClosed() {
        return closed;
    }

    AppendOnlyFile.Stats stats() {
        return new AppendOnlyFile.Stats(forces, rows, forceNanos, busyGaps, busyGapNanos);
    }

    /** The flusher, started on first use; null once closed. */
    private synchronized Thread flusher() {
        if (closed) {
            return null;
        }
        if (flusher == null) {
            flusher = new Thread(this::run, "consentkit-flusher " + file.getFileName());
            flusher.setDaemon(true);
            flusher.start();
        }
        return flusher;
    }

    /**
     * Appends {@code rows} (non-empty, complete rows) durably, sharing the write and force with
     * concurrent callers. Waits for the outcome even if the calling thread is interrupted (its
     * interrupt status is kept): once queued, rows are either written and forced or not at all.
     *
     * @return null once the rows are written and forced, or why nothing was appended
     */
    Throwable append(byte[] rows) {
        return enqueue(new Pending(rows, null, null, Thread.currentThread()));
    }

    /** The chain's last link, which the next chained row links from. */
    byte[] head() {
        return head.clone();
    }

    /** Sets the link the next chained row links from (at open, before any append). */
    void startChain(byte[] link) {
        this.head = link.clone();
    }

    /**
     * Appends chained rows durably, as {@link #append(byte[])}: the flusher, in write order, gives each
     * row its link ({@link HashChain#link} over the previous row's link and the row's digest) and writes
     * {@code prefix + ',' + hex(digest) + ',' + hex(link) + '\n'}; a group that fails leaves the chain's
     * head where it was.
     *
     * @param prefixes each row's bytes before its chain cells (no trailing separator, no line end)
     * @param digests  each row's digest ({@link HashChain#BYTES} bytes)
     */
    Throwable appendChained(byte[][] prefixes, byte[][] digests) {
        if (head == null) {
            throw new IllegalStateException("startChain was not called");
        }
        return enqueue(new Pending(null, prefixes, digests, Thread.currentThread()));
    }

    private Throwable enqueue(Pending p) {
        Thread f = flusher();
        if (f == null) {
            return new IOException("closed");
        }
        queue.add(p);
        queued.incrementAndGet();
        if (idle) {
            LockSupport.unpark(f);
        }
        if (closed && queue.remove(p)) {
            queued.decrementAndGet();
            return new IOException("closed"); // closed while queued: never written
        }
        boolean interrupted = false;
        while (!p.done) {
            LockSupport.parkNanos(this, 10_000_000L); // woken by the flusher; the timeout is a safety net
            if (Thread.interrupted()) {
                interrupted = true; // the outcome is the flusher's: keep waiting for it
            }
            if (!p.done && !f.isAlive() && queue.remove(p)) {
                queued.decrementAndGet();
                p.failure = new IOException("the flusher stopped; nothing was written");
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return p.failure;
    }

    /** The flusher's loop: one group per force until closed, then fails whatever is still queued. */
    private void run() {
        Thread me = Thread.currentThread();
        long lastForceEnd = 0;
        try {
            while (true) {
                if (queue.isEmpty()) {
                    if (closed) {
                        return;
                    }
                    idle = true;
                    if (queue.isEmpty() && !closed) {
                        LockSupport.park(this);
                    }
                    idle = false;
                    lastForceEnd = 0; // the wait was for rows, not the flusher's: not a gap
                    continue;
                }
                if (lastActive > 1) {
                    gather(lastActive);
                }
                List<Pending> batch = new ArrayList<>(Math.max(4, lastActive));
                for (Pending q; (q = queue.poll()) != null; ) {
                    batch.add(q);
                }
                queued.addAndGet(-batch.size());
                long start = System.nanoTime();
                if (lastForceEnd != 0) {
                    busyGaps++;
                    busyGapNanos += start - lastForceEnd;
                }
                commit(batch, me);
                lastForceEnd = System.nanoTime();
                forceNanos += lastForceEnd - start;
                lastActive = batch.size() + queued.get();
            }
        } catch (Throwable t) {
            LOG.error("{} {}: the flusher stopped: {}", what, file, t.toString());
            brokenReason = "its flusher stopped (" + t + "); reopen it";
        } finally {
            for (Pending q; (q = queue.poll()) != null; ) {
                queued.decrementAndGet();
                q.failure = new IOException("closed");
                q.done = true;
                LockSupport.unpark(q.waiter);
            }
        }
    }

    /** Writes and forces one group, then marks each of its rows done and wakes its thread. */
    private void commit(List<Pending> batch, Thread me) {
        long start = position;
        Throwable failure = null;
        long end = start;
        try {
            refuseIfStopped();
            check.verify(start); // nothing is written (or cut back) unless the file is still ours
        } catch (Throwable t) {
            failure = t;
            if (t instanceof WriterLock.FileChangedException) {
                stop(t);
            }
        }
        try {
            if (failure == null) {
                end = writeBatch(batch, start);
            }
        } catch (WriterLock.FileChangedException t) {
            failure = t; // written and forced, but the file was changed meanwhile: not acknowledged
            stop(t);
        } catch (Throwable t) {
            failure = t;
            rollback(start);
        }
        if (failure == null) {
            position = end;
            forces++;
            rows += batch.size();
        }
        for (Pending q : batch) {
            q.failure = failure;
            q.done = true;
            if (q.waiter != me) {
                LockSupport.unpark(q.waiter);
            }
        }
    }

    /**
     * After a group, gives the threads appending lately (the group's and those that queued during its
     * force: {@code active}) a moment (at most {@link #GATHER_NANOS}, far less than one force) to queue
     * their next rows, yielding the core to them, so the next force carries all of them rather than
     * the first few arrivals. A lone writer never waits.
     */
    private void gather(int active) {
        long deadline = System.nanoTime() + GATHER_NANOS;
        while (queued.get() < active && !closed && System.nanoTime() < deadline) {
            Thread.yield();
        }
    }

    private void refuseIfStopped() throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        String broken = brokenReason;
        if (broken != null) {
            throw new IOException("refusing writes: " + broken);
        }
    }

    private void stop(Throwable t) {
        brokenReason = what + " " + file + " was changed by someone else: " + t.getMessage()
                + "; this writer stopped (reopen the store)";
        LOG.error("{}", brokenReason);
    }

    private long writeBatch(List<Pending> batch, long start) throws IOException {
        ByteBuffer buf;
        byte[] link = head;
        if (batch.size() == 1 && batch.get(0).bytes != null) {
            buf = ByteBuffer.wrap(batch.get(0).bytes);
        } else {
            // one write system call for the whole group, then one force; chained rows get their links here,
            // in write order
            int total = 0;
            for (Pending p : batch) {
                if (p.bytes != null) {
                    total += p.bytes.length;
                } else {
                    for (byte[] prefix : p.prefixes) {
                        total += prefix.length + 2 * HashChain.HEX_LENGTH + 3;
                    }
                }
            }
            byte[] all = new byte[total];
            int off = 0;
            for (Pending p : batch) {
                if (p.bytes != null) {
                    System.arraycopy(p.bytes, 0, all, off, p.bytes.length);
                    off += p.bytes.length;
                    continue;
                }
                for (int i = 0; i < p.prefixes.length; i++) {
                    link = HashChain.link(link, p.digests[i]);
                    System.arraycopy(p.prefixes[i], 0, all, off, p.prefixes[i].length);
                    off += p.prefixes[i].length;
                    all[off++] = ',';
                    off = putHex(all, off, p.digests[i]);
                    all[off++] = ',';
                    off = putHex(all, off, link);
                    all[off++] = '\n';
                }
            }
            buf = ByteBuffer.wrap(all);
        }
        long pos = start + FileIo.writeFully(channel, buf, start);
        channel.force(false);
        head = link; // durable: the next group links from here (a stopped writer writes no more groups)
        check.verify(pos);
        return pos;
    }

    private static int putHex(byte[] out, int off, byte[] value) {
        byte[] hex = HashChain.hexBytes(value);
        System.arraycopy(hex, 0, out, off, hex.length);
        return off + hex.length;
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

    /**
     * Stops the write path: waits for a write in progress (the flusher ends after it), and fails
     * every queued append with "closed". Idempotent.
     *
     * @return false if it was closed already
     */
    boolean close() {
        Thread f;
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            f = flusher;
        }
        if (f != null && f != Thread.currentThread()) {
            LockSupport.unpark(f);
            boolean interrupted = false;
            while (f.isAlive()) {
                try {
                    f.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the channel must not be closed under a write in progress
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return true;
    }
}
