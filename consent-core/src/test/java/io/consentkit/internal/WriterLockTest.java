package io.consentkit.internal;

import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.StoreLockedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lock file and the per-JVM registry behind {@link AppendOnlyFile}'s single writer. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WriterLockTest {
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

    private static AppendOnlyFile open(Path file) {
        return AppendOnlyFile.open(file, "test file", "a,b", Duration.ZERO, Clock.systemUTC(),
                AppendOnlyFile.DEFAULT_OPENER, ERRORS);
    }

    private static byte[] row(String s) {
        return (s + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theLockFileLivesWhileTheWriterDoesAndAStaleOneIsReused() throws Exception {
        Path file = dir.resolve("f.csv");
        Path lock = dir.resolve("f.csv.lock");
        try (AppendOnlyFile f = open(file)) {
            assertThat(lock).exists();
            f.append(row("1,2"));
        }
        assertThat(lock).doesNotExist();
        Files.createFile(lock); // left behind by a killed writer
        try (AppendOnlyFile f = open(file)) {
            f.append(row("3,4"));
        }
        assertThat(Files.readString(file)).isEqualTo("a,b\n1,2\n3,4\n");
    }

    @Test
    void aDeletedLockFileStopsTheWriter() throws Exception {
        Path file = dir.resolve("f.csv");
        try (AppendOnlyFile f = open(file)) {
            f.append(row("1,2"));
            Files.delete(dir.resolve("f.csv.lock"));
            assertThatThrownBy(() -> f.append(row("3,4"))).isInstanceOf(ConsentStoreException.class)
                    .hasMessageContaining("lock file");
        }
        assertThat(Files.readString(file)).isEqualTo("a,b\n1,2\n");
    }

    @Test
    void theSameFileUnderAnotherNameIsRefusedInThisJvm() throws Exception {
        Path file = dir.resolve("f.csv");
        Path link = dir.resolve("g.csv");
        try (AppendOnlyFile f = open(file)) {
            Files.createLink(link, file);
            assertThatThrownBy(() -> open(link)).isInstanceOf(StoreLockedException.class)
                    .hasMessageContaining("in this JVM");
            Path symlink = Files.createSymbolicLink(dir.resolve("s.csv"), file);
            assertThatThrownBy(() -> open(symlink)).isInstanceOf(StoreLockedException.class);
            f.append(row("1,2"));
        }
        try (AppendOnlyFile g = open(link)) {
            g.append(row("3,4"));
        }
        assertThat(Files.readString(file)).isEqualTo("a,b\n1,2\n3,4\n");
    }

    @Test
    void aWrongHeaderChangesNoByteEvenWithATornLookingTail() throws Exception {
        Path file = dir.resolve("f.csv");
        String content = "x,y\n1,2\n3,\"torn";
        Files.writeString(file, content);
        assertThatThrownBy(() -> open(file)).isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("line 1").hasMessageContaining("header");
        assertThat(Files.readString(file)).isEqualTo(content);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aWaiterGetsTheLockWhenTheHolderCloses() throws Exception {
        Path file = dir.resolve("f.csv");
        AppendOnlyFile first = open(file);
        java.util.concurrent.CompletableFuture<AppendOnlyFile> second = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> AppendOnlyFile.open(file, "test file", "a,b", Duration.ofSeconds(10),
                        Clock.systemUTC(), AppendOnlyFile.DEFAULT_OPENER, ERRORS));
        first.append(row("1,2"));
        first.close();
        try (AppendOnlyFile f = second.get(20, TimeUnit.SECONDS)) {
            f.append(row("3,4"));
            assertThat(dir.resolve("f.csv.lock")).exists();
        }
        assertThat(Files.readString(file)).isEqualTo("a,b\n1,2\n3,4\n");
    }
}
