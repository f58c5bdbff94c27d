package io.consentkit.inbound;

import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code limit} automatic replies (and keyword opt-ins) per number in any sliding
 * {@code windowMillis}: the times of the last {@code limit} are kept per number in a small ring.
 * Numbers whose last reply is older than the window are swept when more than {@value #SWEEP_AT} are
 * tracked, so memory stays bounded by the numbers active within one window. Calls for one number must
 * be serialised (the handler holds the number's lock); different numbers may call concurrently.
 */
final class ReplyLimiter {
    static final int SWEEP_AT = 100_000;

    private final int limit;
    private final long windowMillis;
    private final ConcurrentHashMap<String, long[]> recent = new ConcurrentHashMap<>();

    /** {@code limit} 0 turns limiting off. */
    ReplyLimiter(int limit, long windowMillis) {
        this.limit = limit;
        this.windowMillis = windowMillis;
    }

    boolean enabled() {
        return limit > 0;
    }

    /**
     * Takes one slot for {@code e164} at {@code nowMillis}, or returns false (taking nothing) if the
     * number had {@code limit} slots within the window already.
     */
    boolean tryTake(String e164, long nowMillis) {
        if (limit <= 0) {
            return true;
        }
        long[] ring = recent.get(e164);
        if (ring == null) {
            if (recent.size() >= SWEEP_AT) {
                sweep(nowMillis);
            }
            ring = new long[limit + 1]; // [0] = next index; [1..limit] = times, 0 when unused
            recent.put(e164, ring);
        }
        int next = (int) ring[0];
        long oldest = ring[1 + next];
        if (oldest != 0 && nowMillis - oldest < windowMillis) {
            return false;
        }
        ring[1 + next] = Math.max(1, nowMillis);
        ring[0] = (next + 1) % limit;
        return true;
    }

    private void sweep(long nowMillis) {
        recent.entrySet().removeIf(e -> {
            long[] ring = e.getValue();
            int newest = (int) ((ring[0] + limit - 1) % limit);
            return nowMillis - ring[1 + newest] >= windowMillis;
        });
    }
}
