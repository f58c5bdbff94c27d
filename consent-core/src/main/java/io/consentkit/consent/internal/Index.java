package io.consentkit.consent.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The tracker's in-memory index. A number's E.164 digits (as a {@code long}) map to one packed
 * {@code long}: where its encoded rows lie in the {@link Arena} and the precomputed answers (active,
 * opted out, pending). Consent ids map to numbers in an {@link IdTable} (the id's hash and the
 * number, confirmed against the number's rows). No object per number: a million
 * consents are a few large arrays that the garbage collector neither traces nor copies, and "may I
 * text this number?" is one hash probe.
 *
 * <p>A number's rows are one arena slice, re-encoded whole when a row arrives; once they pass
 * {@link #BIG_BYTES} the number moves to a {@link History} (rows appended, current state kept apart),
 * so a number that changes k times costs O(k) memory and O(1) amortised per change, not O(k) each.
 * Lookups are lock-free; {@link #apply} must be called with the number's stripe lock held (the
 * tracker's rule), so one number's rows are applied in order. Thread-safe.
 *
 * <p><b>Scopes.</b> The packed value's flags are the number-wide fold (every row). The answers per
 * program ({@link ScopeTable}) are kept apart: a number whose rows are all legacy-shaped (default
 * program and brand) answers for the default program from its packed flags and for any other program
 * from one bit (it has a suppression of everything, or not), so it costs nothing more. Once a row with
 * a program or brand arrives the number is marked {@code SCOPED}. If all its rows count for one program
 * (the common case: a person in one program), that program's ordinal is kept in the packed value and its
 * flags are the number-wide ones: still one probe, no extra memory. Otherwise each program its rows
 * touch gets its own flags in a second primitive map, keyed by the number's key with the program's
 * ordinal + 1 in bits 50 to 62 (E.164 keys stay below 2^50); programs with no entry answer as above. So
 * {@link #flags(long, int)} is one probe, or two for a number in several programs, and allocates nothing. A scoped
 * number's program flags are refolded from all its rows on each change (O(rows x programs); scoped
 * histories are short in practice, and legacy-shaped long histories keep the O(1) path).
 */
public final class Index {
    private static final long MISSING = -1;
    /** A packed value with this bit set: the number's rows are in {@link #big}. */
    private static final long BIG = 0x10;
    private static final long FLAGS = 0x0F;
    /** A packed value with this bit set: the number has a suppression of everything. */
    private static final long GLOBAL = 0x20;
    /** A packed value with this bit set: the number has a row with a program or brand (see the class comment). */
    private static final long SCOPED = 0x40;
    private static final int ORDINAL_SHIFT = 50;
    /**
     * Bits 28 to 39 of a scoped number's packed value: its sole program's ordinal + 1 when every row of
     * the number counts for that one program (then the program's flags are the number-wide ones and no
     * per-program entry is kept), else 0. A slice offset never needs them: it is below 2^20
     * ({@link Arena#CHUNK}).
     */
    private static final int SOLE_SHIFT = 28;
    private static final long SOLE_MASK = 0xFFFL;
    private static final long OFFSET_MASK = (1L << 20) - 1;
    /**
     * Rows up to this many bytes (a handful) stay one arena slice, re-encoded on each change; beyond
     * it re-encoding would cost O(rows) a change and leave O(rows^2) old bytes behind.
     */
    static final int BIG_BYTES = 512;

    private final TextPool pool = new TextPool();
    public final RowCodec codec = new RowCodec(pool);
    private final Arena arena = new Arena();
    private final LongLongMap byPhone = new LongLongMap();
    private final IdTable ids = new IdTable(this::holds);
    private final ConcurrentHashMap<Long, History> big = new ConcurrentHashMap<>();
    private final LongLongMap byProgram = new LongLongMap();
    private final ScopeTable scopes;
    private final ThreadLocal<RowCodec.Out> rowBuffers = ThreadLocal.withInitial(() -> new RowCodec.Out(256));
    private final ThreadLocal<RowCodec.Out> stateBuffers = ThreadLocal.withInitial(() -> new RowCodec.Out(512));

    /** An index keeping per-program answers for the programs of {@code scopes}. */
    public Index(ScopeTable scopes) {
        this.scopes = java.util.Objects.requireNonNull(scopes, "scopes");
    }

    /** An index for a tracker with the one default program. */
    public Index() {
        this(ScopeTable.SINGLE);
    }

    public ScopeTable scopes() {
        return scopes;
    }

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
        int offset = (int) ((packed >>> 8) & OFFSET_MASK);
        int len = Arena.length(chunk, offset);
        int start = offset + Arena.prefix(len);
        return new NumberState(phoneKey, chunk, start, start + len, (byte) (packed & FLAGS));
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

    /**
     * The number's precomputed flags for the program of {@code ordinal} in {@link #scopes()} (see the
     * class comment), or -1 if it has no rows: one primitive probe, two for a scoped number, no
     * allocation.
     */
    public int flags(long key, int ordinal) {
        if (key <= 0) {
            return -1;
        }
        long packed = byPhone.get(key, MISSING);
        if (packed == MISSING) {
            return -1;
        }
        if ((packed & SCOPED) == 0) {
            return ordinal == 0 ? (int) (packed & FLAGS) : unscopedFlags(packed);
        }
        long sole = (packed >>> SOLE_SHIFT) & SOLE_MASK;
        if (sole != 0) {
            return sole == ordinal + 1 ? (int) (packed & FLAGS) : unscopedFlags(packed);
        }
        long f = byProgram.get(programKey(key, ordinal), MISSING);
        return f == MISSING ? unscopedFlags(packed) : (int) f;
    }

    /**
     * The ordinal of the status of {@link NumberState#status}'s record, read without decoding it: one
     * probe for a number that may be texted (its record is then an active consent), else the headers
     * of its rows; -1 if the number has no rows, -2 if it has a row with a program or brand (the
     * caller folds its rows per program).
     */
    public int currentStatus(long key) {
        if (key <= 0) {
            return -1;
        }
        long packed = byPhone.get(key, MISSING);
        if (packed == MISSING) {
            return -1;
        }
        if ((packed & SCOPED) != 0) {
            return -2;
        }
        if ((packed & NumberState.ACTIVE) != 0) {
            return ConsentStatus.ACTIVE.ordinal();
        }
        return view(key, packed).statusOnly().ordinal();
    }

    /** The flags of a program none of the number's rows touch but a suppression of everything. */
    private static int unscopedFlags(long packed) {
        return (packed & GLOBAL) != 0 ? NumberState.OPTED_OUT | NumberState.HAS_REVOCATION : 0;
    }

    private static long programKey(long key, int ordinal) {
        return key | (long) (ordinal + 1) << ORDINAL_SHIFT;
    }

    /** True if the number has a row with a program or brand. */
    public boolean isScoped(long key) {
        long packed = key <= 0 ? MISSING : byPhone.get(key, MISSING);
        return packed != MISSING && (packed & SCOPED) != 0;
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
        long rowBits = (row.isLegacyShaped() ? 0 : SCOPED)
                | (ScopeTable.coversAll(row.isSuppression(), row.program(), row.brand()) ? GLOBAL : 0);
        byPhone.update(k, MISSING, packed -> {
            long bits = rowBits | (packed == MISSING ? 0 : packed & (GLOBAL | SCOPED));
            if (packed != MISSING && (packed & BIG) != 0) {
                History h = big.get(k);
                byte flags = h.add(encoded.buffer(), 0, encoded.size());
                if ((bits & SCOPED) != 0) {
                    bits |= programFlags(k, h.state());
                }
                return BIG | bits | flags;
            }
            rows.reset();
            if (packed != MISSING) {
                NumberState old = view(k, packed);
                if (old.bytes() + encoded.size() > BIG_BYTES) {
                    History h = new History(k, 2 * (old.bytes() + encoded.size()));
                    old.appendRows(rows, encoded.buffer(), encoded.size());
                    byte flags = h.add(rows.buffer(), 0, rows.size());
                    big.put(k, h);
                    if ((bits & SCOPED) != 0) {
                        bits |= programFlags(k, h.state());
                    }
                    return BIG | bits | flags;
                }
                old.appendRows(rows, encoded.buffer(), encoded.size());
            } else {
                rows.write(encoded.buffer(), 0, encoded.size());
            }
            byte flags = NumberState.flagsOf(rows.buffer(), rows.size());
            if ((bits & SCOPED) != 0) {
                bits |= programFlags(k, new NumberState(k, rows.buffer(), 0, rows.size(), flags));
            }
            return pack(arena.put(rows.buffer(), rows.size()), flags) | bits;
        });
        ids.add(idBits, id, k);
    }

    /** True if number {@code k} has a row of the id (for {@link IdTable}, which keeps no ids). */
    private boolean holds(long k, long idBits, String id) {
        long packed = byPhone.get(k, MISSING);
        if (packed == MISSING) {
            return false;
        }
        if ((packed & BIG) != 0) {
            return big.get(k).hasId(idBits, id);
        }
        return view(k, packed).hasId(idBits, id);
    }

    /**
     * A scoped number's per-program answers: if every row counts for one program (of ordinal below
     * 4095), the sole-program bits to put in its packed value; else 0, after refolding the flags of
     * every program its rows touch into {@link #byProgram}, published before the packed value that
     * points readers there. Called inside the number's update, under its stripe lock.
     */
    private long programFlags(long k, NumberState all) {
        java.util.List<RowCodec.Header> rows = all.headerList();
        int n = scopes.size();
        boolean[] touched = new boolean[n];
        int touchedCount = 0;
        String[] programs = new String[rows.size()];
        String[] brands = new String[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            RowCodec.Header h = rows.get(i);
            programs[i] = codec.text(h.programId);
            brands[i] = codec.text(h.brandId);
            for (int o = 0; o < n; o++) {
                if (!touched[o] && scopes.touches(h.suppression(), programs[i], brands[i], o)) {
                    touched[o] = true;
                    touchedCount++;
                }
            }
        }
        if (touchedCount == 1) {
            int o = 0;
            while (!touched[o]) {
                o++;
            }
            boolean every = o + 1 <= SOLE_MASK;
            for (int i = 0; i < rows.size() && every; i++) {
                every = scopes.covers(rows.get(i).suppression(), programs[i], brands[i], o);
            }
            if (every) {
                return (long) (o + 1) << SOLE_SHIFT; // the number-wide flags are the program's
            }
        }
        java.util.List<RowCodec.Header> relevant = new java.util.ArrayList<>(rows.size());
        for (int o = 0; o < n; o++) {
            if (!touched[o]) {
                continue;
            }
            relevant.clear();
            for (int i = 0; i < rows.size(); i++) {
                RowCodec.Header h = rows.get(i);
                if (scopes.covers(h.suppression(), programs[i], brands[i], o)) {
                    relevant.add(h);
                }
            }
            byProgram.put(programKey(k, o), relevant.isEmpty() ? 0 : NumberState.fold(relevant));
        }
        return 0;
    }

    /**
     * The keys of the numbers whose flags for the program of {@code ordinal} have any of the bits of
     * {@code mask} ({@link NumberState#ACTIVE}, {@link NumberState#OPTED_OUT}), in ascending order.
     */
    public long[] numbersWith(int ordinal, int mask) {
        java.util.List<Long> keys = new java.util.ArrayList<>();
        byPhone.forEach((key, packed) -> {
            int f = flags(key, ordinal);
            if (f > 0 && (f & mask) != 0) {
                keys.add(key);
            }
        });
        return keys.stream().mapToLong(Long::longValue).sorted().toArray();
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
        return ids.phoneOf(RowCodec.hexIdBits(consentId), consentId);
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
