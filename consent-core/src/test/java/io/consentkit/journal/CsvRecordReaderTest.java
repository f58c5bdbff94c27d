package io.consentkit.journal;

import io.consentkit.journal.JournalFormatException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvRecordReaderTest {
    @TempDir
    Path dir;

    private List<List<String>> read(String content, int chunk, List<Long> lines) throws IOException {
        Path f = dir.resolve("f.csv");
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        List<List<String>> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(f)) {
            new CsvRecordReader("f.csv", chunk).read(ch, 0, ch.size(), (cells, count, line) -> {
                out.add(List.copyOf(Arrays.asList(cells).subList(0, count)));
                lines.add(line);
            });
        }
        return out;
    }

    private static List<List<String>> commonsCsv(String content) throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (CSVParser p = CSVFormat.RFC4180.parse(new StringReader(content))) {
            for (CSVRecord r : p) {
                List<String> cells = new ArrayList<>();
                r.forEach(cells::add);
                out.add(cells);
            }
        }
        return out;
    }

    @Test
    void agreesWithCommonsCsvOnRandomInputAcrossEveryChunkBoundary() throws IOException {
        Random rnd = new Random(5);
        String[] pieces = {"a", "Zoë", "😀", ",", "\"", "\n", "\r\n", " ", "x y", "€", "''", "=1+2"};
        for (int round = 0; round < 200; round++) {
            StringBuilder sb = new StringBuilder();
            int records = 1 + rnd.nextInt(6);
            for (int r = 0; r < records; r++) {
                int cells = 1 + rnd.nextInt(5);
                for (int c = 0; c < cells; c++) {
                    if (c > 0) {
                        sb.append(',');
                    }
                    StringBuilder cell = new StringBuilder();
                    int len = rnd.nextInt(5);
                    for (int k = 0; k < len; k++) {
                        cell.append(pieces[rnd.nextInt(pieces.length)]);
                    }
                    String v = cell.toString();
                    boolean mustQuote = v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r");
                    if (mustQuote || rnd.nextInt(4) == 0) {
                        sb.append('"').append(v.replace("\"", "\"\"")).append('"');
                    } else {
                        sb.append(v);
                    }
                }
                sb.append(rnd.nextBoolean() ? "\n" : "\r\n");
            }
            String content = sb.toString();
            List<List<String>> expected = commonsCsv(content);
            for (int chunk : new int[] {1, 2, 3, 7, 64, 1 << 20}) {
                assertThat(read(content, chunk, new ArrayList<>())).as("chunk %d of %s", chunk, content)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void reportsTheStartingLineOfEachRecord() throws IOException {
        List<Long> lines = new ArrayList<>();
        read("h1,h2\na,\"multi\nline\"\nb,c\n", 3, lines);
        assertThat(lines).containsExactly(1L, 2L, 4L);
    }

    @Test
    void rejectsTextAfterAClosingQuoteAndUnterminatedQuotes() {
        assertThatThrownBy(() -> read("a,b\n\"x\"y,z\n", 4, new ArrayList<>()))
                .isInstanceOf(JournalFormatException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> read("a,b\n\"never closed,z\n", 4, new ArrayList<>()))
                .isInstanceOf(JournalFormatException.class).hasMessageContaining("unterminated");
    }
}
