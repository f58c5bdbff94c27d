package io.consentkit.web;

import io.consentkit.ConsentKitException;
import io.consentkit.InvalidInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Evidence of what a person saw, byte for byte: a content-addressed directory of served pages, one file
 * {@code <sha256>.html} per distinct page. {@link #put} writes a page durably (a temporary file forced to
 * disk, moved into place atomically, the directory forced) before it returns the SHA-256 that a consent row
 * then cites; {@link #get} reads it back and checks the hash, so the bytes it gives are the bytes that were
 * hashed. A page already stored is not written again. Thread-safe (writes of one page are idempotent).
 */
public final class HtmlSnapshots {
    private final Path dir;

    private HtmlSnapshots(Path dir) {
        this.dir = dir;
    }

    /**
     * The snapshots in {@code dir}, created if missing.
     *
     * @throws ConsentKitException if the directory cannot be created
     */
    public static HtmlSnapshots open(Path dir) {
        Objects.requireNonNull(dir, "dir");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConsentKitException("cannot create the snapshot directory " + dir + ": " + e.getMessage(), e);
        }
        return new HtmlSnapshots(dir);
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * Stores {@code page} durably and returns its SHA-256 (hex).
     *
     * @throws ConsentKitException if it cannot be written
     */
    public String put(byte[] page) {
        String hash = sha256(page);
        Path target = file(hash);
        if (get(hash).isPresent()) {
            return hash;
        }
        try {
            Path tmp = Files.createTempFile(dir, hash, ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(page);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory();
            return hash;
        } catch (IOException e) {
            throw new ConsentKitException("cannot store the page snapshot " + hash + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The stored page whose SHA-256 is {@code sha256}, or empty if none is stored (or the stored file no longer
     * has that hash: a damaged file is never handed out as evidence).
     *
     * @throws InvalidInputException naming {@code sha256} if it is not 64 hex digits
     */
    public Optional<byte[]> get(String sha256) {
        Path f = file(sha256);
        try {
            byte[] b = Files.readAllBytes(f);
            return sha256(b).equals(sha256) ? Optional.of(b) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ConsentKitException("cannot read the page snapshot " + f + ": " + e.getMessage(), e);
        }
    }

    /** The file a snapshot is kept in. */
    public Path file(String sha256) {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new InvalidInputException("sha256", "must be 64 lower-case hex digits");
        }
        return dir.resolve(sha256 + ".html");
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    private void forceDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory for reading; the file itself is forced
        }
    }

    @Override
    public String toString() {
        return "HtmlSnapshots[" + dir + "]";
    }
}
