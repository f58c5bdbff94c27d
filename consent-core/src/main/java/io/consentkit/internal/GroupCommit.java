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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The write path of an {@link AppendOnlyFile}: durable appends with group commit, lock-free.
 * Appenders enqueue their rows; whoever wins the leader flag writes every queued group with one
 * write and one force ({@code fdatasync}) and wakes their threads; the others park until their
 * group is done. Before writing, the leader checks (through a {@link Check}) that the file still is
 * the one this writer holds and ends where its rows end, and checks again after the force; a file
 * changed by someone else ({@link WriterLock.FileChangedException}) stops every later append, with
 * nothing cut back (the bytes past this writer's end are not its own). A failed write or force cuts
 * the file back to where the group began; if even that fails, every later append is refused. Owns
 * no file handle: the channel is the caller's to close,
 * after {@link #close()}. Thread-safe.
 */
final class GroupCommit {
    private static final Logger LOG = LoggerFactory.getLogger(AppendOnlyFile.class);

    /** Longest a leader waits for the threads it just woke to come back with their next rows. */
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
    private final AtomicBoolean leader = new AtomicBoolean();
    private volatile long position; // end of the last durable row; written only by the leader
    private volatile int lastGroup; // rows in the last group written
    private volatile String brokenReason;
    private volatile boolean closed;
    private volatile byte[] head; // the chain's last link (chained appends); written only by the leader

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

    /**
     * Appends {@code rows} (non-empty, complete rows) durably, sharing the write and force with
     * concurrent callers.
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
     * Appends chained rows durably, as {@link #append(byte[])}: the leader, in write order, gives each
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
        Thread me = p.waiter;
        queue.add(p);
        while (!p.done) {
            if (leader.compareAndSet(false, true)) {
                try {
                    // One group per leadership: the leader's caller then returns and queues its next rows
                    // like everyone else, and the oldest waiter is woken to lead the next group. Before
                    // draining, a leader lets the previous group's threads come back (bounded wait, far
                    // below one force) so each force carries a full group.
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
                    commit(batch, me);
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
        return p.failure;
    }

    /** As leader: writes and forces one group, then marks each of its rows done and wakes its thread. */
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
     * Stops the write path: waits for a write in progress, then holds the leader flag for good and
     * fails every queued append with "closed". Idempotent.
     *
     * @return false if it was closed already
     */
    boolean close() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
        }
        while (!leader.compareAndSet(false, true)) {
            LockSupport.parkNanos(this, 100_000L);
        }
        for (Pending q; (q = queue.poll()) != null; ) {
            q.failure = new IOException("closed");
            q.done = true;
            LockSupport.unpark(q.waiter);
        }
        return true;
    }
}
