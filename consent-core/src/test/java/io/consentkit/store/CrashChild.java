package io.consentkit.store;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Child JVM for the crash test: appends consents from several threads as fast as it can and
 * prints "ACK id" after each record call has returned (the moment the caller was told the
 * record is durable). With "hold" it opens the store, prints READY and waits to be killed. With
 * "try" it opens the store with a short lock timeout, appends one row and prints OPENED, or prints
 * LOCKED if the store was refused.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path journal = Path.of(args[0]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        if (args.length > 1 && args[1].equals("hold")) {
            try (CsvConsentStore store = CsvConsentStore.open(journal)) {
                out.println("READY");
                out.flush();
                new java.util.concurrent.CountDownLatch(1).await(2, java.util.concurrent.TimeUnit.MINUTES); // until killed
            }
            return;
        }
        if (args.length > 1 && args[1].equals("try")) {
            try (CsvConsentStore store = CsvConsentStore.builder(journal)
                    .lockTimeout(java.time.Duration.ofMillis(200)).build()) {
                store.append(java.util.List.of(new ConsentRecord("child-row", java.time.Instant.now(),
                        io.consentkit.phone.PhoneNumber.of("+15125559999"), "web_form", "child", "", "", "", "", "",
                        java.util.Map.of(), io.consentkit.journal.ConsentStatus.ACTIVE, null, "")));
                out.println("OPENED");
            } catch (io.consentkit.journal.StoreLockedException e) {
                out.println("LOCKED");
            }
            out.flush();
            return;
        }
        int threads = Integer.parseInt(args[1]);
        ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(journal)).brand("Crash Test").build();
        out.println("READY");
        out.flush();
        for (int t = 0; t < threads; t++) {
            int th = t;
            Thread w = new Thread(() -> {
                for (int i = 0; ; i++) {
                    String phone = "+1512555" + String.format("%04d", (th * 2500 + i) % 10_000);
                    ConsentRecord r = tracker.recordConsent(ConsentRequest.builder(phone, "qr_code",
                                    "Crash test consent, \"quoted\",\nwith a newline and a comma")
                            .customerId("w" + th + "-" + i).metadata("i", Integer.toString(i)).build());
                    synchronized (out) {
                        out.println("ACK " + r.consentId());
                        out.flush();
                    }
                }
            });
            w.setDaemon(false);
            w.start();
        }
    }
}
