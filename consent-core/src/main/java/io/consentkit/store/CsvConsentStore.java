package io.consentkit.store;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentRecord;
import io.consentkit.internal.CsvRecordReader;
import io.consentkit.internal.JournalCodec;
import io.consentkit.phone.PhoneNumbers;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The embedded default store: one CSV journal file in the schema existing tools use.
 *
 * <ul>
 *   <li><b>Append-only.</b> Rows are only ever added at the end; the header is written once.</li>
 *   <li><b>Durable.</b> {@link #append} returns after the bytes are written and forced
 *       ({@code fdatasync}); a new file's directory entry is forced too.</li>
 *   <li><b>Group commit.</b> Concurrent appends are written and forced together: one thread
 *       writes every waiting batch and issues one force for all of them.</li>
 *   <li><b>One process.</b> The file is locked ({@link FileChannel#lock}) while open. A second
 *       process (or a second store on the same file in this JVM) waits up to
 *       {@link Builder#lockTimeout} and then fails with {@link StoreLockedException}; it never
 *       writes into a file another process holds.</li>
 *   <li><b>Torn tails.</b> A crash in the middle of a write can leave a partial last row. On open
 *       the bytes after the last complete row are moved to a quarantine file
 *       ({@code <name>.torn-<millis>}), the journal is cut back to its last complete row, and the
 *       event is logged and reported by {@link #quarantined()}: never silently dropped or kept.</li>
 *   <li><b>Strict schema.</b> A header with missing or unknown columns, or a complete row that does
 *       not parse, fails with {@link JournalFormatException} naming the line; nothing is "repaired".
 *       A UTF-8 byte-order mark is tolerated; columns may be in any order (appends follow the
 *       file's order).</li>
 *   <li><b>Failed writes.</b> If a write or force fails, the file is cut back to where the batch
 *       began and the append throws; if even that fails, the store refuses further appends.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class CsvConsentStore implements ConsentStore {
    /** Default time to wait for another process's lock: {@value} ms. */
    public static final long DEFAULT_LOCK_TIMEOUT_MILLIS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(CsvConsentStore.class);
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final StoreCapabilities CAPABILITIES =
            new StoreCapabilities("csv", true, true, false, Duration.ZERO);

    /** Opens a channel on the journal; replaceable in tests to inject faults. */
    interface ChannelOpener {
        FileChannel open(Path path) throws IOException;
    }

    private final Path file;
    private final PhoneNumbers phones;
    private final FileChannel channel;
    private final FileLock lock;
    private final int[] columnMap;
    private final int bomLength;
    private final Path quarantined;

    private final ReentrantLock commitLock = new ReentrantLock();
    private final Condition committed = commitLock.newCondition();
    private final ArrayList<Pending> queue = new ArrayList<>();
    private boolean leaderActive;
    private long position;
    private volatile String brokenReason;
    private volatile boolean closed;

    private static final class Pending {
        final byte[] bytes;
        boolean done;
        Throwable failure;

        Pending(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    private CsvConsentStore(Builder b) {
        this.file = b.file.toAbsolutePath();
        this.phones = b.phones;
        FileChannel ch = null;
        FileLock lk = null;
        try {
            Path dir = file.getParent();
            Files.createDirectories(dir);
            boolean existed = Files.exists(file);
            ch = b.opener.open(file);
            lk = acquireLock(ch, b.lockTimeout, file);
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
                q = quarantineTail(ch, goodEnd, size, b.clock);
                size = goodEnd;
            }
            if (size <= bom) {
                byte[] header = (JournalCodec.HEADER_LINE + "\n").getBytes(StandardCharsets.UTF_8);
                ch.truncate(bom);
                writeFully(ch, ByteBuffer.wrap(header), bom);
                ch.force(true);
                size = bom + header.length;
            }
            this.columnMap = readHeader(ch, bom, file.toString());
            this.bomLength = bom;
            this.position = size;
            this.quarantined = q;
            this.channel = ch;
            this.lock = lk;
        } catch (IOException e) {
            closeQuietly(lk, ch);
            throw new ConsentStoreException("cannot open consent journal " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lk, ch);
            throw e;
        }
    }

    /** Opens (or creates) the journal at {@code file} with default settings. */
    public static CsvConsentStore open(Path file) {
        return builder(file).build();
    }

    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** The journal file. */
    public Path file() {
        return file;
    }

    /** Where a torn last row found on open was moved, if one was. */
    public Optional<Path> quarantined() {
        return Optional.ofNullable(quarantined);
    }

    @Override
    public StoreCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void replay(Consumer<ConsentRecord> sink) {
        ensureOpen();
        long end;
        commitLock.lock();
        try {
            end = position;
        } finally {
            commitLock.unlock();
        }
        String source = file.getFileName().toString();
        boolean[] header = {true};
        try {
            new CsvRecordReader(source).read(channel, bomLength, end, (cells, count, line) -> {
                if (header[0]) {
                    header[0] = false; // checked at open
                    return;
                }
                sink.accept(JournalCodec.decode(i -> cells[i], count, columnMap, phones, source, line, true));
            });
        } catch (IOException e) {
            throw new ConsentStoreException("cannot read consent journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void append(List<ConsentRecord> rows) {
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder(rows.size() * 256);
        for (ConsentRecord r : rows) {
            JournalCodec.appendLine(sb, r, columnMap, false);
        }
        Pending p = new Pending(sb.toString().getBytes(StandardCharsets.UTF_8));
        commitLock.lock();
        try {
            ensureOpen();
            queue.add(p);
            while (!p.done) {
                if (!leaderActive) {
                    leaderActive = true;
                    List<Pending> batch = new ArrayList<>(queue);
                    queue.clear();
                    long start = position;
                    commitLock.unlock();
                    Throwable failure = null;
                    long end = start;
                    try {
                        end = writeBatch(batch, start);
                    } catch (Throwable t) {
                        failure = t;
                        rollback(start);
                    } finally {
                        commitLock.lock();
                    }
                    if (failure == null) {
                        position = end;
                    }
                    for (Pending q : batch) {
                        q.done = true;
                        q.failure = failure;
                    }
                    leaderActive = false;
                    committed.signalAll();
                } else {
                    committed.awaitUninterruptibly();
                }
            }
        } finally {
            commitLock.unlock();
        }
        if (p.failure != null) {
            throw new ConsentStoreException("append to consent journal " + file + " failed; nothing was appended: "
                    + p.failure.getMessage(), p.failure);
        }
    }

    private long writeBatch(List<Pending> batch, long start) throws IOException {
        String broken = brokenReason;
        if (broken != null) {
            throw new IOException("store refuses writes: " + broken);
        }
        ByteBuffer[] bufs = new ByteBuffer[batch.size()];
        long total = 0;
        for (int i = 0; i < bufs.length; i++) {
            bufs[i] = ByteBuffer.wrap(batch.get(i).bytes);
            total += bufs[i].remaining();
        }
        long pos = start;
        for (ByteBuffer buf : bufs) {
            pos += writeFully(channel, buf, pos);
        }
        channel.force(false);
        return start + total;
    }

    private void rollback(long start) {
        try {
            channel.truncate(start);
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            brokenReason = "a failed write could not be rolled back (" + e.getMessage() + "); reopen the store";
            LOG.error("consent journal {}: {}", file, brokenReason);
        }
    }

    @Override
    public void close() {
        commitLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            commitLock.unlock();
        }
        closeQuietly(lock, channel);
    }

    private void ensureOpen() {
        if (closed) {
            throw new ConsentStoreException("consent journal " + file + " is closed");
        }
    }

    // ---- open-time helpers -------------------------------------------------------------------

    private static FileLock acquireLock(FileChannel ch, Duration timeout, Path file) throws IOException {
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
                throw new StoreLockedException("consent journal " + file + " is locked by another process or store "
                        + "instance (waited " + timeout.toMillis() + " ms); only one writer may hold a CSV journal");
            }
            try {
                Thread.sleep(Math.min(50, Math.max(1, timeout.toMillis() / 10)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreLockedException("interrupted while waiting for the lock on " + file);
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
        LOG.warn("consent journal {}: {} bytes after the last complete row (a write cut short by a crash) were "
                + "moved to {}; every complete row is kept", file, size - goodEnd, q);
        return q;
    }

    private static int[] readHeader(FileChannel ch, int bom, String source) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        int n = ch.read(buf, bom);
        String head = new String(buf.array(), 0, Math.max(0, n), StandardCharsets.UTF_8);
        int nl = head.indexOf('\n');
        if (nl < 0) {
            throw new JournalFormatException(source, 1, "header", "is missing or longer than 4096 bytes");
        }
        String line = head.substring(0, nl);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        List<String> names = new ArrayList<>();
        try (CSVParser p = CSVFormat.RFC4180.parse(new java.io.StringReader(line))) {
            for (CSVRecord r : p) {
                r.forEach(names::add);
                break;
            }
        }
        return JournalCodec.mapHeader(names, source);
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

    static void forceDirectory(Path dir) {
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

    /** Configures a {@link CsvConsentStore}. Setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final Path file;
        private Duration lockTimeout = Duration.ofMillis(DEFAULT_LOCK_TIMEOUT_MILLIS);
        private PhoneNumbers phones = PhoneNumbers.defaults();
        private Clock clock = Clock.systemUTC();
        private ChannelOpener opener = p -> FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);

        private Builder(Path file) {
            if (file == null) {
                throw new InvalidInputException("file", "is null");
            }
            this.file = file;
        }

        /** How long to wait for another process's lock before failing. Default 5 s. */
        public Builder lockTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new InvalidInputException("lockTimeout", "must be zero or positive");
            }
            this.lockTimeout = timeout;
            return this;
        }

        /** How phone numbers in the file are read (matters only for non-E.164 legacy rows). */
        public Builder phoneNumbers(PhoneNumbers phones) {
            this.phones = java.util.Objects.requireNonNull(phones, "phones");
            return this;
        }

        /** Clock used to name quarantine files. */
        public Builder clock(Clock clock) {
            this.clock = java.util.Objects.requireNonNull(clock, "clock");
            return this;
        }

        Builder channelOpener(ChannelOpener opener) {
            this.opener = opener;
            return this;
        }

        /**
         * Opens the journal, creating it (and its folder) if needed.
         *
         * @throws StoreLockedException   if another process holds it
         * @throws JournalFormatException if its header is not the journal schema
         * @throws ConsentStoreException  on I/O failure
         */
        public CsvConsentStore build() {
            return new CsvConsentStore(this);
        }
    }
}
