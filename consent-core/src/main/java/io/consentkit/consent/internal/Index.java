package io.consentkit.consent.internal;

import io.consentkit.consent.ConsentRecord;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The tracker's in-memory index: number (E.164 digits as a {@code long}) to {@link NumberState},
 * and consent id to number. Lookups are lock-free; {@link #apply} must be called with the number's
 * stripe lock held (the tracker's rule), so one number's rows are applied in order.
 */
final class Index {
    private final TextPool pool = new TextPool();
    final RowCodec codec = new RowCodec(pool);
    private final LongObjectMap<NumberState> byPhone = new LongObjectMap<>();
    private final LongLongMap hexIds = new LongLongMap();
    private final ConcurrentHashMap<String, Long> otherIds = new ConcurrentHashMap<>();
    private final ThreadLocal<RowCodec.Out> buffers = ThreadLocal.withInitial(() -> new RowCodec.Out(256));

    /**
     * The key of a canonical E.164 string ('+' and 8 to 15 digits, the first not 0), or -1 if
     * {@code s} is not one.
     */
    static long key(String s) {
        int n = s.length();
        if (n < 9 || n > 16 || s.charAt(0) != '+' || s.charAt(1) == '0') {
            return -1;
        }
        long v = 0;
        for (int i = 1; i < n; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    NumberState get(long key) {
        return byPhone.get(key);
    }

    void apply(ConsentRecord row) {
        long k = key(row.phoneNumber().e164());
        RowCodec.Out out = buffers.get();
        out.reset();
        codec.encode(row, out);
        NumberState st = byPhone.get(k);
        byPhone.put(k, (st == null ? NumberState.empty(k) : st).with(out.buffer(), out.size()));
        String id = row.consentId();
        if (RowCodec.isHexId(id)) {
            hexIds.putIfAbsent(RowCodec.hexBits(id), k);
        } else {
            otherIds.putIfAbsent(id, k);
        }
    }

    /** The number key holding {@code consentId}, or -1. */
    long phoneOf(String consentId) {
        if (RowCodec.isHexId(consentId)) {
            return hexIds.get(RowCodec.hexBits(consentId), -1);
        }
        Long k = otherIds.get(consentId);
        return k == null ? -1 : k;
    }

    boolean containsId(String consentId) {
        return phoneOf(consentId) >= 0;
    }

    void forEach(Consumer<NumberState> action) {
        byPhone.forEachValue(action);
    }

    int numbers() {
        return byPhone.size();
    }
}
