package io.consentkit.store;

import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.journal.StoreLockedException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.internal.DelegatingFileChannel;
import io.consentkit.journal.JournalCodec;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvConsentStoreTest {
    private static final String HEADER = JournalCodec.HEADER_LINE + "\n";
    private static final String LEGACY_HEADER = JournalCodec.LEGACY_HEADER_LINE + "\n";
    private static final Instant T = Instant.parse("2025-05-05T05:05:05Z");

    @TempDir
    Path dir;

    private static ConsentRecord row(String id, String phone) {
        return new ConsentRecord(id, T, PhoneNumber.of(phone), "web_form", "I agree, \"yes\".\nReply STOP.", "c", "n",
                "e@x.com", "1.2.3.4", "", Map.of("k", "v"), ConsentStatus.ACTIVE, null, "");
    }

    private static List<ConsentRecord> replay(ConsentStore s) {
        List<ConsentRecord> out = new ArrayList<>();
        s.replay(out::add);
        return out;
    }

    @Test
    void createsFileWithHeaderOnce() throws IOException {
        Path f = dir.resolve("sub/dir/consents.csv");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            s.append(List.of(row("a", "+15125551234")));
        }
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            s.append(List.of(row("b", "+15125551235")));
        }
        List<String> lines = Files.readAllLines(f);
        assertThat(lines.stream().filter(l -> l.startsWith("consent_id,"))).hasSize(1);
        assertThat(lines.get(0)).isEqualTo(JournalCodec.HEADER_LINE);
    }

    @Test
    void tornLastRowIsQuarantinedAndReported() throws IOException {
        Path f = dir.resolve("consents.csv");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            s.append(List.of(row("a", "+15125551234"), row("b", "+15125551235")));
        }
        String torn = "c,2025-05-05T05:05:05Z,+15125551236,web_form,\"I agree, \"\"yes\"\".\nRep";
        Files.writeString(f, torn, StandardOpenOption.APPEND);
        long before = Files.size(f);
        Clock clock = Clock.fixed(Instant.parse("2025-05-06T00:00:00Z"), ZoneOffset.UTC);
        try (CsvConsentStore s = CsvConsentStore.builder(f).clock(clock).build()) {
            assertThat(s.quarantined()).isPresent();
            Path q = s.quarantined().orElseThrow();
            assertThat(q.getFileName().toString()).isEqualTo("consents.csv.torn-" + clock.millis());
            assertThat(Files.readString(q)).isEqualTo(torn);
            assertThat(Files.size(f)).isEqualTo(before - torn.getBytes(StandardCharsets.UTF_8).length);
            assertThat(replay(s)).extracting(ConsentRecord::consentId).containsExactly("a", "b");
            s.append(List.of(row("d", "+15125551237")));
            assertThat(replay(s)).extracting(ConsentRecord::consentId).containsExactly("a", "b", "d");
        }
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(s.quarantined()).isEmpty();
        }
    }

    @Test
    void tornHeaderOfANewFileIsQuarantinedAndRewritten() throws IOException {
        Path f = dir.resolve("consents.csv");
        Files.writeString(f, "consent_id,timest");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(s.quarantined()).isPresent();
            assertThat(replay(s)).isEmpty();
        }
        assertThat(Files.readString(f)).isEqualTo(HEADER);
    }

    @Test
    void headerWithMissingOrUnknownColumnsFailsWithoutRepair() throws IOException {
        Path f = dir.resolve("bad.csv");
        String content = "consent_id,timestamp,phone_number,opt_in_method,consent_message,customer_id,customer_name,"
                + "customer_email,ip_address,screenshot_url,metadata,status,revoked_at,favourite_colour\n";
        Files.writeString(f, content);
        assertThatThrownBy(() -> CsvConsentStore.open(f)).isInstanceOfSatisfying(JournalFormatException.class, e -> {
            assertThat(e.field()).isEqualTo("header");
            assertThat(e.line()).isEqualTo(1);
        }).hasMessageContaining("missing [revoked_method]").hasMessageContaining("unknown [favourite_colour]");
        assertThat(Files.readString(f)).isEqualTo(content);
        // the failed open released its lock
        Files.writeString(f, HEADER);
        CsvConsentStore.open(f).close();
    }

    @Test
    void bomAndOtherColumnOrderAreTolerated() throws IOException {
        Path f = dir.resolve("bom.csv");
        List<String> cols = new ArrayList<>(ConsentRecord.LEGACY_COLUMNS);
        java.util.Collections.reverse(cols);
        String header = "\uFEFF" + String.join(",", cols) + "\r\n";
        String rowReversed = ",,active,,,,,,,text,web_form,+15125551234,2025-01-01T00:00:00Z,legacy1\r\n";
        Files.writeString(f, header + rowReversed, StandardCharsets.UTF_8);
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            s.append(List.of(row("new1", "+15125551235")));
            assertThat(replay(s)).extracting(ConsentRecord::consentId).containsExactly("legacy1", "new1");
            assertThat(replay(s).get(1)).isEqualTo(row("new1", "+15125551235"));
        }
        assertThat(Files.readAllBytes(f)[0]).isEqualTo((byte) 0xEF);
    }

    @Test
    void malformedCompleteRowFailsOpenWithItsLine() throws IOException {
        Path f = dir.resolve("m.csv");
        Files.writeString(f, LEGACY_HEADER + "a,2025-01-01T00:00:00Z,+15125551234,web_form,t,,,,,,,active,,\n"
                + "b,2025-01-01T00:00:00Z,+15125551234,web_form,\"multi\nline\",,,,,,,active,,\n"
                + "c,2025-01-01T00:00:00Z,+15125551234,web_form,t,,,,,,,bogus,,\n");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThatThrownBy(() -> replay(s)).isInstanceOfSatisfying(JournalFormatException.class, e -> {
                assertThat(e.line()).isEqualTo(5);
                assertThat(e.field()).isEqualTo("status");
            });
        }
    }

    @Test
    void secondStoreOnTheSameFileFailsClearly() {
        Path f = dir.resolve("locked.csv");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThatThrownBy(() -> CsvConsentStore.builder(f).lockTimeout(Duration.ofMillis(100)).build())
                    .isInstanceOf(StoreLockedException.class).hasMessageContaining("locked");
            s.append(List.of(row("a", "+15125551234")));
        }
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(replay(s)).hasSize(1);
        }
    }

    @Test
    void failedWriteIsRolledBackAndTheStoreKeepsWorking() throws IOException {
        Path f = dir.resolve("faulty.csv");
        AtomicInteger failNextWrites = new AtomicInteger();
        AtomicInteger failNextForce = new AtomicInteger();
        CsvConsentStore.ChannelOpener opener = p -> new FaultyChannel(
                FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                failNextWrites, failNextForce);
        try (CsvConsentStore s = CsvConsentStore.builder(f).channelOpener(opener).build()) {
            s.append(List.of(row("a", "+15125551234")));
            long size = Files.size(f);
            failNextWrites.set(1); // the write lands half its bytes, then fails
            assertThatThrownBy(() -> s.append(List.of(row("b", "+15125551235"))))
                    .isInstanceOf(ConsentStoreException.class).hasMessageContaining("nothing was appended");
            assertThat(Files.size(f)).isEqualTo(size);
            failNextForce.set(1); // the bytes are written but fsync fails: not acknowledged, rolled back
            assertThatThrownBy(() -> s.append(List.of(row("c", "+15125551236"))))
                    .isInstanceOf(ConsentStoreException.class);
            assertThat(Files.size(f)).isEqualTo(size);
            s.append(List.of(row("d", "+15125551237")));
            assertThat(replay(s)).extracting(ConsentRecord::consentId).containsExactly("a", "d");
        }
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(s.quarantined()).isEmpty();
            assertThat(replay(s)).extracting(ConsentRecord::consentId).containsExactly("a", "d");
        }
    }

    @Test
    void groupCommitForcesOnceForManyWaitingAppends() throws Exception {
        Path f = dir.resolve("group.csv");
        AtomicInteger forces = new AtomicInteger();
        CsvConsentStore.ChannelOpener opener = p -> new FaultyChannel(
                FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                new AtomicInteger(), new AtomicInteger()) {
            @Override
            public void force(boolean metaData) throws IOException {
                forces.incrementAndGet();
                super.force(metaData);
                // a disk whose force takes a while (as a real fdatasync does), so that appends
                // arriving meanwhile queue behind it whatever the test machine's file system is
                LockSupport.parkNanos(200_000L);
            }
        };
        int threads = 16;
        int each = 40;
        try (CsvConsentStore s = CsvConsentStore.builder(f).channelOpener(opener).build()) {
            int before = forces.get();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int th = t;
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        s.append(List.of(row("t" + th + "-" + i, "+1512555" + String.format("%04d", th * 100 + i))));
                    }
                });
                thread.start();
                ts.add(thread);
            }
            for (Thread t : ts) {
                t.join();
            }
            assertThat(replay(s)).hasSize(threads * each);
            // every append was forced, and appends that waited shared a force: strictly fewer forces
            // than appends (one force per append, i.e. no group commit, fails this)
            assertThat(forces.get() - before).isPositive().isLessThan(threads * each);
        }
    }

    @Test
    void noTempOrQuarantineFilesInANormalLifecycle() throws IOException {
        Path f = dir.resolve("clean.csv");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            s.append(List.of(row("a", "+15125551234")));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }

    /** A FileChannel that can fail a write half-way or fail a force, to test rollback. */
    static class FaultyChannel extends DelegatingFileChannel {
        private final AtomicInteger failWrites;
        private final AtomicInteger failForce;

        FaultyChannel(FileChannel d, AtomicInteger failWrites, AtomicInteger failForce) {
            super(d);
            this.failWrites = failWrites;
            this.failForce = failForce;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (failWrites.get() > 0 && failWrites.decrementAndGet() >= 0) {
                ByteBuffer half = src.duplicate();
                half.limit(src.position() + src.remaining() / 2);
                d.write(half, position);
                throw new IOException("injected: disk full");
            }
            return d.write(src, position);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (failForce.get() > 0 && failForce.decrementAndGet() >= 0) {
                throw new IOException("injected: fsync failed");
            }
            d.force(metaData);
        }
    }
}
