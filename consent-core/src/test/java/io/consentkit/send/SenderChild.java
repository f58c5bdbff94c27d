package io.consentkit.send;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * Child JVM for {@link TwoProcessLimitsTest}: a process with its own sender over the CSV send log
 * {@code args[0]}, at the fixed instant {@code args[1]}. It prints {@code USED n} (the daily count
 * it rebuilt from the log), then for each number in {@code args[3..]} one line: {@code SENT} or
 * {@code DEFERRED REASON}; or {@code LOCKED} if another process holds the log (waiting at most
 * {@code args[2]} milliseconds for it).
 */
public final class SenderChild {
    private SenderChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        Clock clock = Clock.fixed(Instant.parse(args[1]), ZoneId.of("America/Chicago"));
        CsvSendLog log;
        try {
            log = CsvSendLog.open(Path.of(args[0]), Duration.ofMillis(Long.parseLong(args[2])), clock);
        } catch (SendLogException e) {
            out.println("LOCKED");
            return;
        }
        try (log; ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build()) {
            GuardedSender sender = GuardedSender.builder(tracker, FakeSmsGateway.builder().clock(clock).build())
                    .clock(clock).sendLog(log).cooldown(Duration.ofMinutes(30)).recipientDailyCap(2)
                    .globalDailyCap(3).build();
            out.println("USED " + sender.usedToday());
            for (int i = 3; i < args.length; i++) {
                SendOutcome o = sender.send(OutboundMessage.transactional(args[i], "Chore due"));
                out.println(o instanceof SendOutcome.Deferred d ? "DEFERRED " + d.reason() : o.sent() ? "SENT" : o.toString());
            }
        }
    }
}
