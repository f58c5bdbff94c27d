package io.consentkit.consent;

import io.consentkit.phone.PhoneNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The fence between sends in flight and opt-outs, per number. A send {@linkplain #run enters} it for
 * its final consent check and its gateway call; an opt-out, once durably recorded and indexed,
 * {@linkplain #awaitSendsBefore waits} until every send to the number that entered before it has
 * left. A send that enters later checks consent after the opt-out is visible, so it does not call
 * the gateway: once the opt-out returns, no gateway call for the number starts.
 *
 * <p>Each send takes a ticket (a sequence number and its thread) in its stripe's table; an opt-out
 * waits only for tickets of its number older than its own horizon and held by other threads, so a
 * steady stream of later sends cannot starve it. A thread never waits while it holds a ticket or a
 * number lock ({@link DefaultConsentTracker} defers the wait of an opt-out recorded inside a send,
 * e.g. by a gateway that reports one, until the send has left the fence, and of one recorded under a
 * number lock until the outermost lock is released): waiters hold nothing a send could need, so
 * sends, opt-outs and number locks cannot deadlock. Thread-safe.
 */
final class SendFence {
    private static final Logger LOG = LoggerFactory.getLogger(SendFence.class);
    private static final int STRIPES = 64;
    private static final long WARN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);

    private record Ticket(long seq, Thread owner) {
    }

    private static final class Stripe {
        long next;
        final HashMap<String, List<Ticket>> open = new HashMap<>();
    }

    private final Stripe[] stripes = new Stripe[STRIPES];
    /** How many sends the calling thread is inside (nested when a gateway sends again). */
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    SendFence() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    private Stripe of(PhoneNumber phone) {
        return stripes[(phone.e164().hashCode() & 0x7fffffff) % STRIPES];
    }

    /** True while the calling thread is inside a send (it must not wait on the fence then). */
    boolean insideSend() {
        return depth.get()[0] > 0;
    }

    /** Runs {@code send} as a send to {@code phone} in flight. */
    <T> T run(PhoneNumber phone, Supplier<T> send) {
        int[] d = depth.get();
        Stripe s = of(phone);
        String key = phone.e164();
        Ticket t;
        synchronized (s) {
            t = new Ticket(s.next++, Thread.currentThread());
            s.open.computeIfAbsent(key, k -> new ArrayList<>(2)).add(t);
        }
        d[0]++;
        try {
            return send.get();
        } finally {
            d[0]--;
            synchronized (s) {
                List<Ticket> list = s.open.get(key);
                list.remove(t);
                if (list.isEmpty()) {
                    s.open.remove(key);
                }
                s.notifyAll();
            }
        }
    }

    /**
     * Waits until every send to {@code phone} that entered before this call, on another thread, has
     * left. Uninterruptible (an interrupt is kept for the caller): the opt-out's guarantee must hold.
     */
    void awaitSendsBefore(PhoneNumber phone) {
        Stripe s = of(phone);
        String key = phone.e164();
        Thread me = Thread.currentThread();
        boolean interrupted = false;
        long start = System.nanoTime();
        boolean warned = false;
        synchronized (s) {
            long horizon = s.next;
            while (waitsFor(s.open.get(key), horizon, me)) {
                try {
                    s.wait(1_000);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                if (!warned && System.nanoTime() - start > WARN_AFTER_NANOS) {
                    warned = true;
                    LOG.warn("opt-out of {} is recorded and waits for sends to it still in the gateway",
                            phone.masked());
                }
            }
        }
        if (interrupted) {
            me.interrupt();
        }
    }

    private static boolean waitsFor(List<Ticket> open, long horizon, Thread me) {
        if (open == null) {
            return false;
        }
        for (Ticket t : open) {
            if (t.seq < horizon && t.owner != me) {
                return true;
            }
        }
        return false;
    }
}
