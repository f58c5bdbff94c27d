package io.consentkit.send;

import io.consentkit.internal.AtomicFiles;
import io.consentkit.journal.JournalCodec;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The send log's part of an erasure, behind {@link CsvSendLog#redactRecipients}: the decision rows
 * whose {@code recipient_key} is an erased number's lose everything that could lead back to the
 * person (the masked number's last digits, the body digest, the detail sentence, the recipient key and
 * the app's correlation id); the rest (time, decision, category, template, segments, cost, provider
 * id, status) stays for the accounts. Rows are rewritten whole and crash-safe. Stateless.
 */
final class SendLogRedaction {
    static final int TO = 4;
    static final int BODY_DIGEST = 7;
    static final int DETAIL = 14;
    static final int RECIPIENT_KEY = 19;
    static final int CORRELATION_ID = 23;

    private SendLogRedaction() {
    }

    /** Rewrites {@code target} (read from {@code in}) if any row is the recipient's; returns how many were. */
    static int run(InputStream in, Path target, java.util.Set<String> recipientKeys, String marker) throws IOException {
        List<String[]> rows = new ArrayList<>();
        int redacted = 0;
        try (CSVParser p = CSVParser.parse(new InputStreamReader(in, StandardCharsets.UTF_8), CSVFormat.DEFAULT)) {
            for (CSVRecord r : p) {
                String[] cells = r.values();
                if (!rows.isEmpty() && cells.length > RECIPIENT_KEY && "decision".equals(cells[0])
                        && recipientKeys.contains(cells[RECIPIENT_KEY])) {
                    cells[TO] = marker;
                    cells[BODY_DIGEST] = "";
                    cells[DETAIL] = cells[DETAIL].isEmpty() ? "" : marker;
                    cells[RECIPIENT_KEY] = "";
                    if (cells.length > CORRELATION_ID) {
                        cells[CORRELATION_ID] = cells[CORRELATION_ID].isEmpty() ? "" : marker;
                    }
                    redacted++;
                }
                rows.add(cells);
            }
        }
        if (redacted == 0) {
            return 0;
        }
        AtomicFiles.deleteStale(target, "erase");
        AtomicFiles.replace(target, "erase", out -> {
            StringBuilder sb = new StringBuilder(256);
            for (String[] cells : rows) {
                sb.setLength(0);
                for (int i = 0; i < cells.length; i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    JournalCodec.appendCell(sb, cells[i]);
                }
                sb.append('\n');
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return redacted;
    }
}
