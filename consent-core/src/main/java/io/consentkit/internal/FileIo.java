package io.consentkit.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Positional channel I/O shared by the parts of {@link AppendOnlyFile}. Static and stateless. */
final class FileIo {
    private static final Logger LOG = LoggerFactory.getLogger(AppendOnlyFile.class);

    private FileIo() {
    }

    /** Writes all of {@code buf} at {@code pos}; returns the bytes written. */
    static int writeFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            total += ch.write(buf, pos + total);
        }
        return total;
    }

    /** Fills {@code buf} from {@code pos}, or throws at end of file. */
    static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /**
     * Why {@code e} happened, in words: the exception's reason (its message is often just the
     * path), and the path it names when that is not {@code file}.
     */
    static String describe(IOException e, Path file) {
        String reason;
        if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            reason = "no such file or folder";
        } else if (e instanceof FileAlreadyExistsException) {
            reason = "a file of that name is in the way";
        } else if (e instanceof FileSystemException fse && fse.getReason() != null) {
            reason = fse.getReason();
        } else if (e.getMessage() != null && !e.getMessage().isBlank()) {
            reason = e.getMessage();
        } else {
            reason = e.getClass().getSimpleName();
        }
        if (e instanceof FileSystemException fse && fse.getFile() != null
                && !fse.getFile().equals(file.toString()) && !reason.contains(fse.getFile())) {
            reason += " (" + fse.getFile() + ")";
        }
        return reason;
    }

    /** Forces a directory's entries to disk where the platform allows it. */
    static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some platforms cannot open or force a directory; the file itself is still forced
            LOG.debug("could not force directory {}: {}", dir, e.toString());
        }
    }

    /** Releases {@code lk} and closes {@code ch} (either may be null), ignoring failures. */
    static void closeQuietly(FileLock lk, FileChannel ch) {
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
}
