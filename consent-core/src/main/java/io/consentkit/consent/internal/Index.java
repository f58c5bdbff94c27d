package io.consentkit.consent.internal;

import io.consentkit.journal.ConsentRecord;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The tracker's in-memory index. A number's E.164 digits (as a {@code long}) map to one packed
 * {@code long}: where its encoded rows lie in the {@link Arena} and the precomputed answers (active,
 * opted out, pending). Consent ids map to numbers the same way. No object per number: a million
 * consents are a few large arrays that the garbage collector neither traces nor copies, and "may I
 * text this number?" is one hash probe.
 *
 * <p>A number's rows are one arena slice, re-encoded whole when a row arrives; once they pass
 * {@link #BIG_BYTES} the number moves to a {@link History} (rows appended, current state kept apart),
 * so a number that changes k times costs O(k) memory and O(1) amortised per change, not O(k) each.
 * Lookups are lock-free; {@link #apply} must be called with the number's stripe lock held (the
 * tracker's rule), so one number's rows are applied in order. Thread-safe.
 */
public final class Index {
    private static final long MISSING = -1;
    /** A packed value with this bit set: the number's rows are in {@link #big}. */
    private static final long BIG = 0x10;
    private static final long FLAGS = 0x0F;
    /**
     * Rows up to this many bytes (a handful) stay one arena slice, re-encoded on each change; beyond
     * it re-encoding would cost O(rows) a change and leave O(rows^2) old bytes behind.
     */
    static final int BIG_BYTES = 512;

    private final TextPool pool = new TextPool();
    public final RowCodec codec = new RowCodec(pool);
    private final Arena arena = new Arena();
    private final LongLongMap byPhone = new LongLongMap();
    private final LongLongMap hexIds = new LongLongMap();
    private final ConcurrentHashMap<String, Long> otherIds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, History> big = new ConcurrentHashMap<>();
    private final ThreadLocal<RowCodec.Out> rowBuffers = ThreadLocal.withInitial(() -> new RowCodec.Out(256));
    private final ThreadLocal<RowCodec.Out> stateBuffers = ThreadLocal.withInitial(() -> new RowCodec.Out(512));

    /**
     * The key of a canonical E.164 string ('+' and 6 to 15 digits, the first not 0: the same shape
     * as {@code PhoneNumbers.MIN_DIGITS} allows), or -1 if {@code s} is not one.
     */
    public static long key(String s) {
        int n = s.length();
        if (n < 7 || n > 16 || s.charAt(0) != '+' || s.charAt(1) == '0') {
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

    private static long pack(long address, byte flags) {
        long chunk = address >>> 32;
        long offset = address & 0xFFFFFFFFL;
        return chunk << 40 | offset << 8 | (flags & 0xFF);
    }

    private NumberState view(long phoneKey, long packed) {
        if ((packed & BIG) != 0) {
            return big.get(phoneKey).state(); // put before the packed value was published
        }
        byte[] chunk = arena.chunk((int) (packed >>> 40));
        int offset = (int) ((packed >>> 8) & 0xFFFFFFFFL);
        int len = Arena.length(chunk, offset);
        return new NumberState(phoneKey, chunk, offset + 4, offset + 4 + len, (byte) packed);
    }

    /**
     * The number's precomputed flags ({@link NumberState#flags()}), or -1 if it has no rows: "may I
     * text it?" without building a view.
     */
    public int flags(long key) {
        if (key <= 0) {
            return -1;
        }
        long packed = byPhone.get(key, MISSING);
        return packed == MISSING ? -1 : (int) (packed & FLAGS);
    }

    /** The number's state, or null if it has no rows. */
    public NumberState get(long key) {
        if (key <= 0) {
            return null;
        }
        long packed = byPhone.get(key, MISSING);
        return packed == MISSING ? null : view(key, packed);
    }

    public void apply(ConsentRecord row) {
        long k = key(row.phoneNumber().e164());
        String id = row.consentId();
        long idBits = RowCodec.hexIdBits(id);
        RowCodec.Out encoded = rowBuffers.get();
        encoded.reset();
        codec.encode(row, idBits, encoded);
        RowCodec.Out rows = stateBuffers.get();
        byPhone.update(k, MISSING, packed -> {
            if (packed != MISSING && (packed & BIG) != 0) {
                return BIG | big.get(k).add(encoded.buffer(), 0, encoded.size());
            }
            rows.reset();
            if (packed != MISSING) {
                NumberState old = view(k, packed);
                if (old.bytes() + encoded.size() > BIG_BYTES) {
                    History h = new History(k, 2 * (old.bytes() + encoded.size()));
                    old.appendRows(rows, encoded.buffer(), encoded.size());
                    byte flags = h.add(rows.buffer(), 0, rows.size());
                    big.put(k, h);
                    return BIG | flags;
                }
                old.appendRows(rows, encoded.buffer(), encoded.size());
            } else {
                rows.write(encoded.buffer(), 0, encoded.size());
            }
            byte flags = NumberState.flagsOf(rows.buffer(), rows.size());
            return pack(arena.put(rows.buffer(), rows.size()), flags);
        });
        if (idBits != 0) {
            hexIds.putIfAbsent(idBits, k);
        } else {
            otherIds.putIfAbsent(id, k);
        }
    }

    /**
     * The folded record of each of the number's consent ids that is active or pending, in order of
     * first appearance, as {@link NumberState#live} gives them; in O(those) for a long history. The
     * caller holds the number's stripe lock.
     */
    public java.util.List<ConsentRecord> live(long key) {
        long packed = key <= 0 ? MISSING : byPhone.get(key, MISSING);
        if (packed == MISSING) {
            return java.util.List.of();
        }
        if ((packed & BIG) == 0) {
            return view(key, packed).live(codec);
        }
        History h = big.get(key);
        return h.state().decodeAt(codec, h.liveOffsets());
    }

    /** The number key holding {@code consentId}, or -1. */
    public long phoneOf(String consentId) {
        long bits = RowCodec.hexIdBits(consentId);
        if (bits != 0) {
            return hexIds.get(bits, MISSING);
        }
        Long k = otherIds.get(consentId);
        return k == null ? MISSING : k;
    }

    public boolean containsId(String consentId) {
        return phoneOf(consentId) >= 0;
    }

    public void forEach(Consumer<NumberState> action) {
        byPhone.forEach((key, packed) -> action.accept(view(key, packed)));
    }

    public int numbers() {
        return byPhone.size();
    }

    /**
     * Heap the index's rows hold, about: arena chunks (including the old versions of small numbers'
     * rows) and the arrays and per-id bookkeeping of numbers with long histories. Not the hash tables.
     */
    public long bytesHeld() {
        long n = arena.bytes();
        for (History h : big.values()) {
            n += h.bytesHeld();
        }
        return n;
    }
}
