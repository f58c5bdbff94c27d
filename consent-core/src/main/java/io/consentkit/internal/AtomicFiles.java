package io.consentkit.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file whole, safe against a crash at any point: the new content goes to a temporary
 * sibling ({@code <name>.tmp-<tag>}, created new), which is forced to disk, renamed over the target
 * atomically, and then the directory is forced so the rename itself is durable. A crash leaves the
 * target either as it was or as it is now, never a mix; at worst a stale temporary sibling remains,
 * which {@link #deleteStale} removes. Static and stateless; the caller keeps other writers out.
 */
public final class AtomicFiles {
    /** Writes the new content. */
    @FunctionalInterface
    public interface Content {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** The temporary sibling {@link #replace} writes for {@code target} and {@code tag}. */
    public static Path temporary(Path target, String tag) {
        Path t = target.toAbsolutePath();
        return t.resolveSibling(t.getFileName() + ".tmp-" + tag);
    }

    /** Removes a temporary sibling a crash left behind, if any. */
    public static void deleteStale(Path target, String tag) throws IOException {
        Files.deleteIfExists(temporary(target, tag));
    }

    /**
     * Writes {@code content} to a temporary sibling, forces it, renames it atomically over
     * {@code target} (which need not exist) and forces the directory. On failure the target is
     * unchanged and the temporary file removed.
     *
     * @throws java.nio.file.AtomicMoveNotSupportedException if the file system cannot rename atomically
     */
    public static void replace(Path target, String tag, Content content) throws IOException {
        replace(target, temporary(target, tag), content);
    }

    /** {@link #replace(Path, String, Content)} through the temporary file {@code tmp}, a sibling of the target. */
    public static void replace(Path target, Path tmp, Content content) throws IOException {
        Path t = target.toAbsolutePath();
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                content.write(out);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, t, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            FileIo.forceDirectory(t.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
