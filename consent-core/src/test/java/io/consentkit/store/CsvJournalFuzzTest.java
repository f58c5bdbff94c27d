package io.consentkit.store;

import io.consentkit.ConsentKitException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.JournalCodec;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.assertj.core.api.Assertions.fail;

/**
 * Opens a few hundred mutated journals (fixed seed: byte flips, truncations, inserted quotes, line
 * feeds, carriage returns and NULs, duplicated and dropped lines) read-only and writable. For each:
 * nothing but a {@link ConsentKitException} escapes, nothing hangs, a read-only open changes no byte
 * and creates no file, a failed open changes no byte, and a writable open that succeeds keeps every
 * row the read-only open reported.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CsvJournalFuzzTest {
    private static final int CASES = 400;
    static final long SEED = 20_2026L;

    @TempDir
    Path dir;

    static byte[] baseJournal() {
        Instant t = Instant.parse("2025-05-05T05:05:05Z");
        List<ConsentRecord> rows = List.of(
                new ConsentRecord("a1", t, PhoneNumber.of("+15125551234"), "web_form", "I agree, \"yes\".\nReply STOP.",
                        "c1", "Ann", "a@x.com", "1.2.3.4", "", Map.of("k", "v"), ConsentStatus.ACTIVE, null, ""),
                new ConsentRecord("a2", t.plusSeconds(1), PhoneNumber.of("+15125551235"), "qr_code", "Text YES", "", "",
                        "", "", "", Map.of(), ConsentStatus.ACTIVE, null, ""),
                new ConsentRecord("a3", t.plusSeconds(2), PhoneNumber.of("+15125551234"), "web_form", "I agree",
                        "c1", "Ann", "", "", "", Map.of(), ConsentStatus.REVOKED, t.plusSeconds(3), "stop_keyword"),
                new ConsentRecord("a4", t.plusSeconds(4), PhoneNumber.of("+442071838750"), "keyword", "START",
                        "", "Bob, Jr.", "", "", "", Map.of("n", "{[\"]}"), ConsentStatus.ACTIVE, null, ""));
        StringBuilder sb = new StringBuilder(JournalCodec.HEADER_LINE).append('\n');
        io.consentkit.journal.JournalChain.Linker chain = new io.consentkit.journal.JournalChain.Linker();
        for (ConsentRecord r : rows) {
            chain.appendLine(sb, r, false);
        }
        sb.append("l5,2024-01-01 00:00:00,+15125550101,web_form,ok,c9,Dwayne 6'5\" Smith,,,,,active,,\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] mutate(byte[] in, Random rnd, StringBuilder how) {
        byte[] b = in;
        int steps = 1 + rnd.nextInt(3);
        for (int s = 0; s < steps; s++) {
            int kind = rnd.nextInt(7);
            int at = rnd.nextInt(Math.max(1, b.length));
            switch (kind) {
                case 0 -> {
                    b = b.clone();
                    if (b.length > 0) {
                        b[at] ^= (byte) (1 << rnd.nextInt(8));
                    }
                    how.append("flip@").append(at).append(' ');
                }
                case 1 -> {
                    b = Arrays.copyOf(b, at);
                    how.append("truncate@").append(at).append(' ');
                }
                case 2, 3 -> {
                    byte[] ins = {(byte) '"', (byte) '\n', 0, (byte) '\r', (byte) ','};
                    byte c = ins[rnd.nextInt(ins.length)];
                    b = insert(b, at, new byte[] {c});
                    how.append("insert ").append(c).append('@').append(at).append(' ');
                }
                case 4 -> {
                    int[] line = lineAround(b, at);
                    b = insert(b, line[1], Arrays.copyOfRange(b, line[0], line[1]));
                    how.append("dup-line@").append(line[0]).append(' ');
                }
                case 5 -> {
                    int[] line = lineAround(b, at);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.write(b, 0, line[0]);
                    out.write(b, line[1], b.length - line[1]);
                    b = out.toByteArray();
                    how.append("drop-line@").append(line[0]).append(' ');
                }
                default -> {
                    b = insert(b, at, new byte[] {(byte) 0xC3, (byte) 0x28}); // invalid UTF-8
                    how.append("bad-utf8@").append(at).append(' ');
                }
            }
        }
        return b;
    }

    private static int[] lineAround(byte[] b, int at) {
        int s = Math.min(at, b.length);
        while (s > 0 && b[s - 1] != '\n') {
            s--;
        }
        int e = Math.min(at, b.length);
        while (e < b.length && b[e] != '\n') {
            e++;
        }
        return new int[] {s, Math.min(b.length, e + 1)};
    }

    private static byte[] insert(byte[] b, int at, byte[] ins) {
        int p = Math.min(at, b.length);
        byte[] out = new byte[b.length + ins.length];
        System.arraycopy(b, 0, out, 0, p);
        System.arraycopy(ins, 0, out, p, ins.length);
        System.arraycopy(b, p, out, p + ins.length, b.length - p);
        return out;
    }

    /** The rows a store replays, or null if replay failed with a typed error. */
    private static List<ConsentRecord> rows(CsvConsentStore s) {
        List<ConsentRecord> out = new ArrayList<>();
        try {
            s.replay(out::add);
            return out;
        } catch (ConsentKitException e) {
            return null;
        }
    }

    private static List<String> names(Path d) throws Exception {
        try (Stream<Path> l = Files.list(d)) {
            return l.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void mutatedJournalsNeverEscapeTheTypedErrorsNorLoseARowAReaderSaw() throws Exception {
        byte[] base = baseJournal();
        Random rnd = new Random(SEED);
        int readOnlyOpened = 0;
        int writableOpened = 0;
        int quarantined = 0;
        for (int i = 0; i < CASES; i++) {
            StringBuilder how = new StringBuilder();
            byte[] bytes = mutate(base, rnd, how);
            Path caseDir = Files.createDirectory(dir.resolve("case" + i));
            Path f = caseDir.resolve("consents.csv");
            Files.write(f, bytes);
            String label = "case " + i + " (" + how.toString().strip() + ")";
            int[] counts = new int[3];
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                    List<ConsentRecord> seen = null;
                    try (CsvConsentStore ro = CsvConsentStore.openReadOnly(f)) {
                        counts[0]++;
                        seen = rows(ro);
                    } catch (ConsentKitException e) {
                        // a typed refusal is fine
                    }
                    assertThat(Files.readAllBytes(f)).as(label + ": a read-only open changes no byte").isEqualTo(bytes);
                    assertThat(names(caseDir)).as(label + ": a read-only open creates nothing")
                            .containsExactly("consents.csv");
                    try (CsvConsentStore rw = CsvConsentStore.builder(f).lockTimeout(Duration.ZERO).build()) {
                        counts[1]++;
                        if (rw.quarantined().isPresent()) {
                            counts[2]++;
                        }
                        List<ConsentRecord> kept = rows(rw);
                        if (seen != null) {
                            assertThat(kept).as(label + ": the writable open keeps every row the reader saw")
                                    .isNotNull().containsExactlyElementsOf(seen);
                        }
                    } catch (ConsentKitException e) {
                        assertThat(Files.readAllBytes(f)).as(label + ": a failed open changes no byte").isEqualTo(bytes);
                        assertThat(names(caseDir)).as(label + ": a failed open leaves no file behind")
                                .containsExactly("consents.csv");
                    }
                });
            } catch (AssertionError e) {
                throw e;
            } catch (Throwable t) {
                fail(label + ": escaped as " + t, t);
            }
            readOnlyOpened += counts[0];
            writableOpened += counts[1];
            quarantined += counts[2];
        }
        System.out.printf("fuzz: %d mutated journals, %d opened read-only, %d opened writable, %d torn tails "
                + "quarantined%n", CASES, readOnlyOpened, writableOpened, quarantined);
        assertThat(readOnlyOpened).as("the mutations leave some journals readable").isPositive();
        assertThat(writableOpened).isLessThanOrEqualTo(CASES);
    }
}
