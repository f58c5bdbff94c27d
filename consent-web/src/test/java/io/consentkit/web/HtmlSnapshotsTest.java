package io.consentkit.web;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Page evidence on a real directory: content-addressed, read back after a reopen, never handed out damaged. */
class HtmlSnapshotsTest {
    @TempDir
    Path dir;

    @Test
    void aStoredPageIsReadBackByItsHashAfterAReopenAndADamagedOneIsNot() throws Exception {
        byte[] page = "<!DOCTYPE html><p>Basin Climbing</p>".getBytes(StandardCharsets.UTF_8);
        String hash = HtmlSnapshots.open(dir).put(page);
        assertThat(hash).isEqualTo(HtmlSnapshots.sha256(page)).hasSize(64);
        assertThat(HtmlSnapshots.open(dir).put(page)).as("idempotent").isEqualTo(hash);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve(hash + ".html"));
        }
        HtmlSnapshots reopened = HtmlSnapshots.open(dir);
        assertThat(reopened.get(hash)).hasValueSatisfying(b -> assertThat(b).isEqualTo(page));
        assertThat(reopened.get("0".repeat(64))).isEmpty();

        Files.write(reopened.file(hash), "<p>edited</p>".getBytes(StandardCharsets.UTF_8));
        assertThat(reopened.get(hash)).as("a file that no longer has its hash is no evidence").isEmpty();
        assertThat(reopened.put(page)).isEqualTo(hash);
        assertThat(reopened.get(hash)).hasValueSatisfying(b -> assertThat(b).isEqualTo(page));

        assertThatThrownBy(() -> reopened.get("../etc/passwd")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("sha256");
    }
}
