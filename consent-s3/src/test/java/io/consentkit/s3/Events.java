package io.consentkit.s3;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentStore;

import java.util.ArrayList;
import java.util.List;

/** The event mix the multi-writer tests write: web-form consents, every 4th revoked by STOP. */
final class Events {
    private Events() {
    }

    /** A number unique to (writer, i): area code 512, exchange 200 + writer, line i. */
    static String phone(int writer, int i) {
        return "+1512" + (200 + writer) + String.format("%04d", i);
    }

    /** Writes {@code n} events as writer {@code writer}; returns the rows appended. */
    static int write(ConsentTracker tracker, int writer, int from, int n) {
        int rows = 0;
        for (int i = from; i < from + n; i++) {
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

    static int rowsFor(int n) {
        return n + n / 4;
    }

    static List<ConsentRecord> replayAll(ConsentStore store) {
        List<ConsentRecord> out = new ArrayList<>();
        store.replay(out::add);
        return out;
    }
}
