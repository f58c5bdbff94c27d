package io.consentkit.internal;

import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.StoreLockedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppendOnlyFileTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-15T18:00:00Z"), ZoneOffset.UTC);
    private static final AppendOnlyFile.Errors ERRORS = new AppendOnlyFile.Errors() {
        @Override
        public RuntimeException locked(String message) {
            return new StoreLockedException(message);
        }

        @Override
        public RuntimeException io(String message, Throwable cause) {
            return new ConsentStoreException(message, cause);
        }
    };

    @TempDir
    Path dir;

    private AppendOnlyFile open(Path file, AppendOnlyFile.ChannelOpener opener) {
        return AppendOnlyFile.open(file, "test file", "a,b", Duration.ZERO, CLOCK, opener, ERRORS);
    }

    private static String readAll(AppendOnlyFile f) throws IOException {
        try (InputStream in = f.read()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void writesTheHeaderOnceAndAppendsRows() throws Exception {
        Path file = dir.resolve("sub/f.csv");
        try (AppendOnlyFile f = open(file, AppendOnlyFile.DEFAULT_OPENER)) {
            assertThat(f.headerLine()).isEqualTo("a,b");
            f.append("1,2\n".getBytes(StandardCharsets.UTF_8));
        }
        try (AppendOnlyFile f = open(file, AppendOnlyFile.DEFAULT_OPENER)) {
            f.append("3,\"x\ny\"\n".getBytes(StandardCharsets.UTF_8));
            assertThat(readAll(f)).isEqualTo("a,b\n1,2\n3,\"x\ny\"\n");
        }
    }

    @Test
    void aByteOrderMarkIsSkipped() throws Exception {
        Path file = dir.resolve("f.csv");
        Files.write(file, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', ',', 'b', '\n'});
        try (AppendOnlyFile f = open(file, AppendOnlyFile.DEFAULT_OPENER)) {
            assertThat(f.headerLine()).isEqualTo("a,b");
            assertThat(readAll(f)).isEqualTo("a,b\n");
        }
    }

    @Test
    void aPartialLastRowIsMovedAsideWithAnOpenQuoteToo() throws Exception {
        Path file = dir.resolve("f.csv");
        Files.writeString(file, "a,b\n1,2\n3,\"half\nrow");
        try (AppendOnlyFile f = open(file, AppendOnlyFile.DEFAULT_OPENER)) {
            assertThat(f.quarantined()).isNotNull();
            assertThat(Files.readString(f.quarantined())).isEqualTo("3,\"half\nrow");
            assertThat(readAll(f)).isEqualTo("a,b\n1,2\n");
        }
        assertThat(Files.readString(file)).isEqualTo("a,b\n1,2\n");
    }

    @Test
    void aSecondHolderIsRefused() {
        Path file = dir.resolve("f.csv");
        try (AppendOnlyFile f = open(file, AppendOnlyFile.DEFAULT_OPENER)) {
            assertThatThrownBy(() -> open(file, AppendOnlyFile.DEFAULT_OPENER))
                    .isInstanceOf(StoreLockedException.class).hasMessageContaining("test file");
            assertThat(f.isClosed()).isFalse();
        }
    }

    @Test
    void aFailedForceRollsTheBatchBackAndLaterAppendsWork() throws Exception {
        Path file = dir.resolve("f.csv");
        AtomicBoolean failForce = new AtomicBoolean();
        AppendOnlyFile.ChannelOpener opener = p -> new FailingChannel(AppendOnlyFile.DEFAULT_OPENER.open(p), failForce,
                false);
        try (AppendOnlyFile f = open(file, opener)) {
            f.append("1,2\n".getBytes(StandardCharsets.UTF_8));
            failForce.set(true);
            assertThatThrownBy(() -> f.append("3,4\n".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(ConsentStoreException.class).hasMessageContaining("nothing was appended");
            f.append("5,6\n".getBytes(StandardCharsets.UTF_8));
            assertThat(readAll(f)).isEqualTo("a,b\n1,2\n5,6\n");
        }
        assertThat(Files.readString(file)).isEqualTo("a,b\n1,2\n5,6\n");
    }

    @Test
    void whenTheRollbackFailsTooTheFileRefusesFurtherWrites() throws Exception {
        Path file = dir.resolve("f.csv");
        AtomicBoolean failForce = new AtomicBoolean();
        AppendOnlyFile.ChannelOpener opener = p -> new FailingChannel(AppendOnlyFile.DEFAULT_OPENER.open(p), failForce,
                true);
        try (AppendOnlyFile f = open(file, opener)) {
            failForce.set(true);
            assertThatThrownBy(() -> f.append("3,4\n".getBytes(StandardCharsets.UTF_8)))
                    .hasMessageContaining("nothing was appended");
            failForce.set(false);
            assertThatThrownBy(() -> f.append("5,6\n".getBytes(StandardCharsets.UTF_8)))
                    .hasMessageContaining("reopen");
        }
    }

    @Test
    void closedFilesRefuseReadsAndWrites() {
        AppendOnlyFile f = open(dir.resolve("f.csv"), AppendOnlyFile.DEFAULT_OPENER);
        f.close();
        f.close();
        assertThatThrownBy(() -> f.append(new byte[] {'x', '\n'})).hasMessageContaining("closed");
        assertThatThrownBy(f::read).hasMessageContaining("closed");
    }

    /** Delegates to a real channel; force() fails while the flag is set (after the write went through). */
    private static final class FailingChannel extends DelegatingFileChannel {
        private final AtomicBoolean failForce;
        private final boolean sticky;

        /** {@code sticky}: keep failing once set; otherwise fail one force only. */
        FailingChannel(FileChannel d, AtomicBoolean failForce, boolean sticky) {
            super(d);
            this.failForce = failForce;
            this.sticky = sticky;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (failForce.getAndSet(sticky)) {
                throw new IOException("simulated fsync failure");
            }
            d.force(metaData);
        }
    }
}
