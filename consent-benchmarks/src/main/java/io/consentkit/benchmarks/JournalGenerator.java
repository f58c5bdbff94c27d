package io.consentkit.benchmarks;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.JournalCodec;
import io.consentkit.phone.PhoneNumber;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates realistic consent journals for the benchmarks: US numbers, web-form, keyword,
 * in-person and QR consents with the standardized texts of a handful of brands (so texts repeat),
 * names, emails, IP addresses, metadata, and about one revocation per ten grants.
 */
public final class JournalGenerator {
    private static final String[] FIRST = {"John", "Jane", "Ann", "Carlos", "Mei", "Fatima", "Olu", "Zoë", "Pat", "Sam"};
    private static final String[] LAST = {"Smith", "Doe", "Lee", "García", "Chen", "Khan", "Adeyemi", "O'Brien", "Nguyen"};
    private static final String[] BRANDS = {"Basin Climbing", "GreenWatt USA", "SafeShipper", "Raven Service", "Chores"};
    private static final String[] AREA = {"512", "206", "415", "212", "305", "617", "303", "404", "702", "919"};

    private JournalGenerator() {
    }

    /** The E.164 number of consent {@code i} (distinct for i below 10 million). */
    public static String phone(int i) {
        return "+1" + AREA[i % AREA.length] + (2000000 + (i / AREA.length) % 8000000);
    }

    /** The same number as people type it: "512-200-0001". */
    public static String nationalFormat(int i) {
        String e = phone(i);
        return e.substring(2, 5) + "-" + e.substring(5, 8) + "-" + e.substring(8);
    }

    /** {@code n} grant rows and about n/10 revocation rows, in journal order. */
    public static List<ConsentRecord> rows(int n, long seed) {
        return rows(0, n, seed);
    }

    /**
     * Grants {@code from} to {@code from + n - 1} (their numbers and times as in a journal of that
     * many consents) and their revocations, in journal order: a large journal made in chunks.
     */
    public static List<ConsentRecord> rows(int from, int n, long seed) {
        Random rnd = new Random(seed);
        List<ConsentRecord> out = new ArrayList<>(n + n / 10);
        Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
        String[] texts = new String[BRANDS.length * 3];
        for (int b = 0; b < BRANDS.length; b++) {
            io.consentkit.consent.ConsentTexts ct = io.consentkit.consent.ConsentTexts.of(BRANDS[b]);
            texts[b * 3] = ct.webForm();
            texts[b * 3 + 1] = ct.keyword("START");
            texts[b * 3 + 2] = ct.inPerson();
        }
        String[] methods = {"web_form", "keyword", "in_person"};
        for (int i = from; i < from + n; i++) {
            int kind = rnd.nextInt(3);
            int brand = rnd.nextInt(BRANDS.length);
            String first = FIRST[rnd.nextInt(FIRST.length)];
            String last = LAST[rnd.nextInt(LAST.length)];
            Map<String, String> md = new LinkedHashMap<>();
            String ip = "";
            if (kind == 0) {
                md.put("form_url", "https://example.com/sms-signup?src=" + rnd.nextInt(100));
                ip = "203.0." + rnd.nextInt(256) + "." + rnd.nextInt(256);
            } else if (kind == 1) {
                md.put("keyword", "START");
                md.put("message_sid", "SM" + Long.toHexString(rnd.nextLong()) + Long.toHexString(rnd.nextLong()));
            } else {
                md.put("staff_member", first + " (Front Desk)");
                md.put("location", BRANDS[brand]);
            }
            Instant ts = t0.plusSeconds(i * 30L);
            ConsentRecord grant = new ConsentRecord(String.format("%016x", rnd.nextLong()), ts,
                    new PhoneNumber(phone(i)), methods[kind], texts[brand * 3 + kind],
                    Integer.toString(1_000_000 + i), first + " " + last,
                    first.toLowerCase() + "." + i + "@example.com", ip, "", md, ConsentStatus.ACTIVE, null, "");
            out.add(grant);
            if (i % 10 == 9) {
                out.add(grant.withStatus(ConsentStatus.REVOKED, ts.plusSeconds(3600), "stop_keyword",
                        Map.of("revoke_notes", "Customer texted STOP")));
            }
        }
        return out;
    }

    /** Writes {@link #rows} as a CSV journal (schema version 3, chained as the store writes it). */
    public static Path write(Path file, int n, long seed) throws IOException {
        io.consentkit.journal.JournalChain.Linker chain = new io.consentkit.journal.JournalChain.Linker();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(JournalCodec.HEADER_LINE);
            w.write('\n');
            StringBuilder sb = new StringBuilder(512);
            for (ConsentRecord r : rows(n, seed)) {
                sb.setLength(0);
                chain.appendLine(sb, r, false);
                w.append(sb);
            }
        }
        return file;
    }

    /**
     * Writes a journal for timed runs of the CLI (docs/performance.md):
     * {@code java -cp benchmarks.jar io.consentkit.benchmarks.JournalGenerator <file> <consents> [seed]};
     * 909,091 consents give 1,000,000 rows (one revocation per ten grants).
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: JournalGenerator <file> <consents> [seed]");
            System.exit(2);
        }
        Path file = write(Path.of(args[0]), Integer.parseInt(args[1]), args.length > 2 ? Long.parseLong(args[2]) : 1);
        System.out.println(file + ": " + Files.size(file) + " bytes");
    }
}
