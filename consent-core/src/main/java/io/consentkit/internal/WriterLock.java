package io.consentkit.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-writer lock of an {@link AppendOnlyFile}, in two layers.
 *
 * <ol>
 *   <li><b>One registry per JVM</b>, keyed by the file's real path (and by its file key, so a hard
 *       link is the same file): a second writer in this JVM is refused from the registry alone,
 *       without opening or closing any descriptor of the file. (On Linux a process's file locks
 *       are dropped when <em>any</em> of its descriptors of that file is closed, so the old
 *       refusal path, which opened and closed a channel, released the first writer's lock.)</li>
 *   <li><b>An OS lock on a lock file</b> {@code <name>.lock} beside the file, not on the file
 *       itself: readers (backups, {@code Files.readAllBytes}, a read-only store) open and close
 *       the data file freely, and nobody but the holder opens the lock file, so those reads cannot
 *       release the lock. The lock file is deleted (while still locked) on close; a waiter that
 *       then gets the lock of the deleted file sees that the path no longer names the file it
 *       locked and tries again.</li>
 * </ol>
 *
 * <p>{@link #verify} re-checks, before and after every group commit, that the lock is still valid
 * and that the lock file at the path is still the one locked. Thread-safe.
 */
final class WriterLock {
    /** The real paths held by writers in this JVM, and their file keys. */
    private static final ConcurrentHashMap<Path, Object> HELD_PATHS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Object, Path> HELD_KEYS = new ConcurrentHashMap<>();

    private final Path key;
    private final Path lockPath;
    private final FileChannel channel;
    private final FileLock lock;
    private final Object lockKey;
    private volatile Object fileKey;
    private volatile boolean released;

    private WriterLock(Path key, Path lockPath, FileChannel channel, FileLock lock, Object lockKey) {
        this.key = key;
        this.lockPath = lockPath;
        this.channel = channel;
        this.lock = lock;
        this.lockKey = lockKey;
    }

    /** The lock file of {@code file}. */
    static Path lockFileOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code file} (absolute; its folder exists), waiting up to {@code timeout}
     * for another holder in this JVM or in another process.
     */
    static WriterLock acquire(Path file, String what, Duration timeout, AppendOnlyFile.Errors errors)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path key = file.getParent().toRealPath().resolve(file.getFileName());
        if (Files.isSymbolicLink(key)) {
            key = key.toRealPath();
        }
        Object token = new Object();
        while (HELD_PATHS.putIfAbsent(key, token) != null) {
            pause(deadline, errors, what + " " + file + " is locked by another instance in this JVM (waited "
                    + timeout.toMillis() + " ms); only one writer may hold a " + what, file);
        }
        WriterLock held = null;
        try {
            held = lockFile(key, file, what, deadline, timeout, errors);
            Object k = fileKey(key);
            if (k != null) {
                held.bindFileKey(k, what, file, errors);
            }
            return held;
        } finally {
            if (held == null) {
                HELD_PATHS.remove(key, token);
            }
        }
    }

    private static WriterLock lockFile(Path key, Path file, String what, long deadline, Duration timeout,
                                       AppendOnlyFile.Errors errors) throws IOException {
        Path lockPath = lockFileOf(key);
        while (true) {
            Object before = fileKey(lockPath);
            FileChannel ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lk = null;
            try {
                while (lk == null) {
                    try {
                        lk = ch.tryLock();
                    } catch (OverlappingFileLockException e) {
                        lk = null;
                    }
                    if (lk == null) {
                        pause(deadline, errors, what + " " + file + " is locked by another process or instance "
                                + "(waited " + timeout.toMillis() + " ms); only one writer may hold a " + what, file);
                    }
                }
                Object after = fileKey(lockPath);
                if (after != null && (before == null || after.equals(before))) {
                    WriterLock held = new WriterLock(key, lockPath, ch, lk, after);
                    lk = null;
                    ch = null;
                    return held;
                }
                // the holder we waited for deleted the lock file on close (or someone replaced it):
                // the lock we got is on a file no longer at the path; take the one there now
            } finally {
                FileIo.closeQuietly(lk, ch);
            }
            if (System.nanoTime() - deadline >= 0) {
                throw errors.locked(what + " " + file + " is locked by another process or instance (its lock file "
                        + lockPath + " keeps changing); only one writer may hold a " + what);
            }
        }
    }

    /**
     * Records the data file's key, refusing a second writer of the same file under another name
     * (a hard link). Idempotent for the same key; on refusal this lock is released.
     */
    void bindFileKey(Object k, String what, Path file, AppendOnlyFile.Errors errors) {
        Object previous = fileKey;
        if (k.equals(previous)) {
            return;
        }
        if (previous != null) {
            HELD_KEYS.remove(previous, key); // the path was replaced between the lock and the open
        }
        Path other = HELD_KEYS.putIfAbsent(k, key);
        if (other != null && !other.equals(key)) {
            release();
            throw errors.locked(what + " " + file + " is locked by another instance in this JVM (opened as "
                    + other + "); only one writer may hold a " + what);
        }
        fileKey = k;
    }

    /**
     * Fails with {@link FileChangedException} unless this lock is still held on the lock file at
     * its path.
     */
    void verify() throws IOException {
        if (released || !lock.isValid()) {
            throw new FileChangedException("its lock was released");
        }
        Object now;
        try {
            now = Files.readAttributes(lockPath, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            throw new FileChangedException("its lock file " + lockPath + " was deleted");
        }
        if (!Objects.equals(now, lockKey)) {
            throw new FileChangedException("its lock file " + lockPath + " was replaced");
        }
    }

    /** Deletes the lock file (while holding its lock), releases the lock and leaves the registry. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        try {
            if (Objects.equals(fileKey(lockPath), lockKey)) {
                Files.deleteIfExists(lockPath);
            }
        } catch (IOException e) {
            // a lock file left behind is harmless: the next writer locks and reuses it
        }
        FileIo.closeQuietly(lock, channel);
        Object k = fileKey;
        if (k != null) {
            HELD_KEYS.remove(k, key);
        }
        HELD_PATHS.remove(key);
    }

    /** The file key of {@code p} (device and inode on Unix), or null if it does not exist or has none. */
    static Object fileKey(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void pause(long deadline, AppendOnlyFile.Errors errors, String message, Path file) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw errors.locked(message);
        }
        try {
            Thread.sleep(Math.max(1, Math.min(20, left / 1_000_000)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw errors.locked("interrupted while waiting for the lock on " + file);
        }
    }

    /** The file under an open writer was changed by someone else: the writer must stop. */
    static final class FileChangedException extends IOException {
        private static final long serialVersionUID = 1L;

        FileChangedException(String message) {
            super(message);
        }
    }
}
