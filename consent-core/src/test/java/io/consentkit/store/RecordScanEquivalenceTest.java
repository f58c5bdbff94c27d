package io.consentkit.store;

import io.consentkit.journal.CsvRecordReader;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.journal.JournalLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The open's structural check ({@link CsvRecordReader#scanRecords}) against the replay's full parse
 * ({@link CsvRecordReader#read}): over the fuzz corpus of {@link CsvJournalFuzzTest} (same generator,
 * fixed seed) and hand-written edge cases, at several read sizes, both find the same records (start
 * line, cell count, end offset) and fail with the same error at the same line.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecordScanEquivalenceTest {
    private static final int[] CHUNKS = {1, 2, 3, 7, 64, 1 << 20};

    @TempDir
    Path dir;

    /** What a pass saw: one "line/cells/end" entry per record, then the error if any. */
    private record Outcome(List<String> records, String error) {
    }

    private Outcome full(Path f, long start, int chunk) throws IOException {
        List<Long> lines = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        String error = null;
        byte[] bytes = Files.readAllBytes(f);
        try (FileChannel ch = FileChannel.open(f)) {
            new CsvRecordReader("f", chunk).read(ch, start, ch.size(), (cells, count, line) -> {
                lines.add(line);
                counts.add(count);
            });
        } catch (JournalFormatException e) {
            error = e.line() + ": " + e.getMessage();
        }
        // a record ends where the next one's first line starts; the last one at the end of the region
        List<String> out = new ArrayList<>();
        for (int k = 0; k < lines.size(); k++) {
            long end = k + 1 < lines.size() ? lineStart(bytes, start, lines.get(k + 1)) : -1;
            out.add(lines.get(k) + "/" + counts.get(k) + "/" + end);
        }
        return new Outcome(out, error);
    }

    private Outcome structure(Path f, long start, int chunk) throws IOException {
        List<String> out = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        String error = null;
        try (FileChannel ch = FileChannel.open(f)) {
            new CsvRecordReader("f", chunk).scanRecords(ch, start, ch.size(), (line, end, cells) -> {
                out.add(line + "/" + cells + "/");
                ends.add(end);
            });
        } catch (JournalFormatException e) {
            error = e.line() + ": " + e.getMessage();
        }
        long size = Files.size(f);
        for (int k = 0; k < out.size(); k++) {
            long end = ends.get(k);
            assertThat(end).as("record %d ends inside the region", k).isGreaterThan(start).isLessThanOrEqualTo(size);
            if (k > 0) {
                assertThat(end).isGreaterThan(ends.get(k - 1));
            }
            // the full pass can only place the last record's end when it is followed by an error
            boolean lastOfClean = k == out.size() - 1;
            out.set(k, out.get(k) + (lastOfClean ? -1 : end));
            if (lastOfClean && error == null) {
                assertThat(end).as("the last record ends at the end of the region").isEqualTo(size);
            }
        }
        return new Outcome(out, error);
    }

    private static long lineStart(byte[] b, long from, long line) {
        long toSkip = line - 1;
        for (int i = (int) from; i < b.length && toSkip > 0; i++) {
            if (b[i] == '\n' && --toSkip == 0) {
                return i + 1;
            }
        }
        return from;
    }

    private int assertAgree(byte[] bytes, String label) throws IOException {
        Path f = dir.resolve("f.csv");
        Files.write(f, bytes);
        int errors = 0;
        long[] starts = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF ? new long[] {0, 3} : new long[] {0};
        for (long start : starts) {
            for (int chunk : CHUNKS) {
                Outcome full = full(f, start, chunk);
                Outcome structure = structure(f, start, chunk);
                // the full pass cannot see the end offset of the last record before an error either
                assertThat(structure.records()).as("%s, from %d, chunk %d: records", label, start, chunk)
                        .hasSize(full.records().size());
                for (int k = 0; k < full.records().size(); k++) {
                    String fk = full.records().get(k);
                    String sk = structure.records().get(k);
                    if (fk.endsWith("/-1") || sk.endsWith("/-1")) {
                        fk = fk.substring(0, fk.lastIndexOf('/'));
                        sk = sk.substring(0, sk.lastIndexOf('/'));
                    }
                    assertThat(sk).as("%s, from %d, chunk %d: record %d", label, start, chunk, k).isEqualTo(fk);
                }
                assertThat(structure.error()).as("%s, from %d, chunk %d: error", label, start, chunk)
                        .isEqualTo(full.error());
                if (full.error() != null) {
                    errors++;
                }
            }
        }
        return errors;
    }

    @Test
    void agreesWithTheFullReaderOnTheFuzzCorpus() throws IOException {
        byte[] base = CsvJournalFuzzTest.baseJournal();
        Random rnd = new Random(CsvJournalFuzzTest.SEED);
        int failing = 0;
        assertAgree(base, "base journal");
        for (int i = 0; i < 600; i++) {
            StringBuilder how = new StringBuilder();
            byte[] bytes = CsvJournalFuzzTest.mutate(base, rnd, how);
            failing += assertAgree(bytes, "case " + i + " (" + how.toString().strip() + ")") > 0 ? 1 : 0;
        }
        assertThat(failing).as("the corpus exercises the error paths").isGreaterThan(50);
    }

    @Test
    void agreesWithTheFullReaderOnEdgeCases() throws IOException {
        String[] cases = {
            "a,Dwayne 6'5\" Smith,c\nx,y\n",
            "a,Dwayne 6'5\" Smith,c\r\nx,\"y\"\r\n",
            "\"a\r\nb\",c\r\n\"d\ne\",f\n",
            "\"a\"\"b\",\"\"\"\",\"\"\n\"\"\"\"\"\"\n",
            "a,b\n\"",
            "a,b\n\"x",
            "a,b\n\"x\"",
            "a,b\n\"x\"\"",
            "a,b\n\"x\"\r",
            "a,b\n\"x\"\ry\n",
            "a,b\rc,d\r",
            "\"a\"\rc,d\r\n",
            "\uFEFFa,b\nc,d\n",
            "\uFEFF\"a\",b\n",
            "\"a\"x,b\n",
            "a,b\n\"c\" ,d\n",
            "a,b",
            "",
            "\n\n\n",
            ",,,\n,\n",
            "a,\"b\nc\"\"\nd\",e\n",
            "\"Zoë\",😀,€\n",
            "a,\uFFFD,b\n",
        };
        for (String c : cases) {
            assertAgree(c.getBytes(StandardCharsets.UTF_8), "edge case " + printable(c));
        }
        byte[][] badUtf8 = {
            {(byte) 0xC3, 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, {(byte) 0xE2, (byte) 0x82},
            {(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98},
        };
        for (byte[] bad : badUtf8) {
            for (String shape : new String[] {"a,%s,b\nc\n", "a,\"x%s\"\nc\n", "a,b\nc,%s", "a,\"%s\"\"\"\n", "%s",
                "h\nok,1\nbad,\"multi\nline\",Jos%se,x\n", "a,\"x\ny\"\"\nz%s\",b\n"}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                String[] parts = shape.split("%s", -1);
                out.writeBytes(parts[0].getBytes(StandardCharsets.UTF_8));
                out.writeBytes(bad);
                out.writeBytes(parts[1].getBytes(StandardCharsets.UTF_8));
                assertThat(assertAgree(out.toByteArray(), "bad UTF-8 " + Arrays.toString(bad) + " in " + printable(shape)))
                        .as("bad UTF-8 is an error").isPositive();
            }
        }
    }

    @Test
    void agreesOnARecordLongerThanTheLimit() throws IOException {
        byte[] b = new byte[JournalLimits.MAX_READ_ROW_BYTES + 10];
        Arrays.fill(b, (byte) 'x');
        byte[] head = "a,b\nc,\"".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, b, 0, head.length);
        Path f = dir.resolve("long.csv");
        Files.write(f, b);
        Outcome full = full(f, 0, 1 << 20);
        Outcome structure = structure(f, 0, 1 << 20);
        assertThat(full.error()).contains("longer than");
        assertThat(structure.error()).isEqualTo(full.error());
        assertThat(structure.records()).hasSameSizeAs(full.records());
        // a read size that doubles past the limit (3 x 2^23 bytes) lets this record through to its end
        Outcome fullOdd = full(f, 0, 3 << 18);
        Outcome structureOdd = structure(f, 0, 3 << 18);
        assertThat(fullOdd.error()).contains("cut short");
        assertThat(structureOdd.error()).isEqualTo(fullOdd.error());
    }

    @Test
    void aBadByteOnALaterLineOfTheLastRecordFailsTheOpenNamingItsLineAndChangesNothing() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((io.consentkit.journal.JournalCodec.HEADER_LINE + "\n"
                + "ok1,2025-01-15T18:22:03Z,+15125551234,web_form,text,,,,,,,active,,\n"
                + "bad,2025-01-15T18:22:04Z,+15125551235,web_form,\"multi\nline\",,Jos").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {(byte) 0xC3, 0x28});
        out.writeBytes("e,,,,,active,,\n".getBytes(StandardCharsets.UTF_8));
        byte[] bytes = out.toByteArray();
        Path f = Files.write(dir.resolve("consents.csv"), bytes);
        for (boolean writable : new boolean[] {false, true}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                try (CsvConsentStore s = writable ? CsvConsentStore.open(f) : CsvConsentStore.openReadOnly(f)) {
                    s.replay(r -> { });
                }
            }).isInstanceOfSatisfying(JournalFormatException.class, e -> {
                assertThat(e.line()).as("writable %s", writable).isEqualTo(4);
                assertThat(e.field()).isEqualTo("encoding");
            });
            assertThat(Files.readAllBytes(f)).as("writable %s: no byte changed", writable).isEqualTo(bytes);
        }
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
