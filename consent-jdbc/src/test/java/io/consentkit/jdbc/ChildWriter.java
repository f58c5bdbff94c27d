package io.consentkit.jdbc;

import io.consentkit.consent.ConsentTracker;

/**
 * A separate writer process for JdbcMultiProcessTest: its own tracker over the same database and
 * table prefix, writing web-form consents (every 4th revoked by STOP). Args: port database prefix
 * writerIndex count.
 */
public final class ChildWriter {
    private ChildWriter() {
    }

    /** A number unique to (writer, i). */
    static String phone(int writer, int i) {
        return "+1512" + (200 + writer) + String.format("%04d", i);
    }

    /** Rows written for {@code n} events. */
    static int rowsFor(int n) {
        return n + n / 4;
    }

    static int write(ConsentTracker tracker, int writer, int n) {
        int rows = 0;
        for (int i = 0; i < n; i++) {
            String phone = phone(writer, i);
            tracker.recordWebFormConsent(phone, "w" + writer + "-" + i, "Customer " + i, "c" + i + "@example.com",
                    "203.0.113." + (i % 250), "https://example.com/signup");
            rows++;
            if (i % 4 == 3) {
                tracker.revoke(phone, ConsentTracker.REVOKED_BY_KEYWORD, "texted STOP");
                rows++;
            }
        }
        return rows;
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int writer = Integer.parseInt(args[3]);
        int n = Integer.parseInt(args[4]);
        JdbcConsentStore store = JdbcConsentStore.builder(LocalPostgres.dataSource(port, args[1]))
                .tablePrefix(args[2]).build();
        try (ConsentTracker tracker = ConsentTracker.builder(store).brand("Child " + writer).build()) {
            System.out.println("CHILD-DONE " + write(tracker, writer, n));
        }
    }
}
