package io.consentkit.jdbc;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.GatewayRequest;
import io.consentkit.send.GatewayResult;
import io.consentkit.send.GatewayResult.FailureKind;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.QuietHours;
import io.consentkit.send.SendOutcome;
import io.consentkit.send.SmsGateway;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A separate sending process for JdbcLimitProcessTest: its own GuardedSender over one shared
 * JdbcLimitStore, with {@link #THREADS} threads texting the same {@link #RECIPIENTS} numbers
 * (transactional and emergency alternately) at one fixed instant. Its gateway accepts most
 * messages, refuses every 5th (rate limited: certainly not sent, the place is given back) and loses
 * every 11th (unknown outcome: it may have been sent, the place is kept). Prints one line per
 * message that was or may have been sent: {@code SENT|MAYBE category to}. Args: port database
 * prefix process attempts-per-thread.
 */
public final class ChildSender {
    static final Instant AT = Instant.parse("2026-03-10T15:00:00Z");
    static final int RECIPIENTS = 12;
    static final int THREADS = 4;
    static final Duration COOLDOWN = Duration.ofMinutes(10);
    static final int RECIPIENT_DAILY_CAP = 3;
    static final int GLOBAL_DAILY_CAP = 30;

    private ChildSender() {
    }

    static String number(int i) {
        return "+1512555" + (3000 + i);
    }

    static GuardedSender sender(JdbcLimitStore.Builder limits, SmsGateway gateway, SettableClock clock) {
        ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
        return GuardedSender.builder(tracker, gateway).clock(clock).zone(ZoneOffset.UTC).quietHours(QuietHours.none())
                .cooldown(COOLDOWN).recipientDailyCap(RECIPIENT_DAILY_CAP).globalDailyCap(GLOBAL_DAILY_CAP)
                .limitStore(limits.factory()).build();
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int process = Integer.parseInt(args[3]);
        int attempts = Integer.parseInt(args[4]);
        SettableClock clock = SettableClock.at(AT);
        AtomicInteger calls = new AtomicInteger();
        SmsGateway gateway = new SmsGateway() {
            @Override
            public GatewayResult send(GatewayRequest request) {
                int n = calls.incrementAndGet();
                if (n % 5 == 0) {
                    return new GatewayResult.Failed(FailureKind.RATE_LIMITED, 20429, "throttled", Duration.ZERO);
                }
                if (n % 11 == 0) {
                    return new GatewayResult.Failed(FailureKind.UNKNOWN_OUTCOME, 0, "timed out", Duration.ZERO);
                }
                return new GatewayResult.Accepted("SM" + process + "-" + n, "queued", 1);
            }

            @Override
            public String name() {
                return "child-" + process;
            }
        };
        JdbcLimitStore.Builder limits = JdbcLimitStore.builder(new TinyPool(LocalPostgres.dataSource(port, args[1])))
                .tablePrefix(args[2]).clock(clock);
        GuardedSender sender = sender(limits, gateway, clock);
        PrintStream out = System.out;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int tt = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < attempts; i++) {
                        int k = (process * 7 + tt * 3 + i) % RECIPIENTS;
                        boolean emergency = (i + tt) % 2 == 0;
                        String to = number(k);
                        // otp: capped like the others but exempt from the cooldown (emergency is exempt from caps)
                        SendOutcome o = sender.send(emergency
                                ? OutboundMessage.builder(to).category(io.consentkit.send.MessageCategory.OTP)
                                        .body("Your code is 123456").build()
                                : OutboundMessage.transactional(to, "Chore due"));
                        String cat = emergency ? "OTP" : "TRANSACTIONAL";
                        if (o.sent()) {
                            synchronized (out) {
                                out.println("SENT " + cat + " " + to);
                            }
                        } else if (o instanceof SendOutcome.Failed f && f.kind() == FailureKind.UNKNOWN_OUTCOME) {
                            synchronized (out) {
                                out.println("MAYBE " + cat + " " + to);
                            }
                        } else if (o instanceof SendOutcome.Blocked b
                                && b.reason() != SendOutcome.Reason.EXPIRED_TTL) { // an otp a cap would defer is dropped
                            throw new IllegalStateException("blocked: " + b.reason() + " " + b.detail());
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        start.countDown();
        for (Thread th : threads) {
            th.join();
        }
        if (!errors.isEmpty()) {
            errors.get(0).printStackTrace(out);
            System.exit(2);
        }
        out.println("CHILD-DONE " + calls.get());
        out.flush();
    }
}
