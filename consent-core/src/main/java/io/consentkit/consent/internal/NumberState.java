package io.consentkit.consent.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the tracker knows about one number: its journal rows, compactly encoded back to back
 * ({@link RowCodec}), and the answers to "may I text it?" computed when a row arrives. A number with
 * a long history ({@link History}) also carries a {@link Summary} of its current state, so that
 * {@link #status}, {@link #live} and {@link #lastRevocation} read a few rows instead of folding them
 * all. Immutable: the tracker swaps in a new instance on every change, so readers never lock.
 */
public final class NumberState {
    public static final byte ACTIVE = 1;
    public static final byte OPTED_OUT = 2;
    static final byte HAS_PENDING = 4;
    static final byte HAS_REVOCATION = 8;

    /**
     * The current state of a number with a long history, kept by {@link History} row by row: the
     * offset of the most recent row (by the later of its timestamp and revocation time), of the most
     * recent consent that counts as active (-1 if none), the latest revocation of any row, and the
     * counts of rows and ids.
     */
    record Summary(int latest, int latestCounting, boolean revoked, long revokedSeconds, int revokedNanos, int rows,
                   int ids) {
    }

    final long phoneKey;
    private final byte[] data;
    private final int from;
    private final int to;
    private final byte flags;
    private final Summary sum; // null: fold the rows

    /** A view of the rows in {@code data[from, to)} with their precomputed {@code flags}. */
    NumberState(long phoneKey, byte[] data, int from, int to, byte flags) {
        this(phoneKey, data, from, to, flags, null);
    }

    NumberState(long phoneKey, byte[] data, int from, int to, byte flags, Summary sum) {
        this.phoneKey = phoneKey;
        this.data = data;
        this.from = from;
        this.to = to;
        this.flags = flags;
        this.sum = sum;
    }

    public static NumberState empty(long phoneKey) {
        return new NumberState(phoneKey, new byte[0], 0, 0, (byte) 0);
    }

    /** The number's index key (its E.164 digits). */
    public long phoneKey() {
        return phoneKey;
    }

    public boolean isEmpty() {
        return to == from;
    }

    public byte flags() {
        return flags;
    }

    /** Copies this state's rows followed by {@code row[0, len)} into {@code out}. */
    public void appendRows(RowCodec.Out out, byte[] row, int len) {
        out.write(data, from, to - from);
        out.write(row, 0, len);
    }

    public boolean isActive() {
        return (flags & ACTIVE) != 0;
    }

    public boolean isOptedOut() {
        return (flags & OPTED_OUT) != 0;
    }

    public boolean hasPending() {
        return (flags & HAS_PENDING) != 0;
    }

    public PhoneNumber phone() {
        return new PhoneNumber("+" + phoneKey);
    }

    /** The flags of the rows in {@code d[0, len)}: the answers to "may I text this number?". */
    public static byte flagsOf(byte[] d, int len) {
        RowCodec.Header first = new RowCodec.Header();
        RowCodec.readHeader(d, 0, first);
        if (first.end == len) {
            // one row (the common case on open): its header alone decides
            return switch (first.status) {
                case ACTIVE -> ACTIVE;
                case REVOKED -> (byte) (HAS_REVOCATION | OPTED_OUT);
                case PENDING -> HAS_PENDING;
                default -> 0;
            };
        }
        List<RowCodec.Header> all = new ArrayList<>(4);
        int pos = 0;
        while (pos < len) {
            RowCodec.Header h = new RowCodec.Header();
            RowCodec.readHeader(d, pos, h);
            all.add(h);
            pos = h.end;
        }
        return fold(all);
    }

    /**
     * The flags of {@code rows} (headers in journal order): last row per id wins; a consent counts as
     * active if it is active and given at or after the latest revocation of any of the rows. The one
     * fold behind the number's flags and each program's ({@link Index#flags(long, int)}).
     */
    static byte fold(List<RowCodec.Header> rows) {
        List<RowCodec.Header> folded = new ArrayList<>(4);
        boolean revoked = false;
        long rs = 0;
        int rn = 0;
        for (RowCodec.Header h : rows) {
            if (h.status == ConsentStatus.REVOKED) {
                long s = h.hasRevokedAt ? h.revokedSeconds : h.seconds;
                int n = h.hasRevokedAt ? h.revokedNanos : h.nanos;
                if (!revoked || s > rs || s == rs && n > rn) {
                    rs = s;
                    rn = n;
                }
                revoked = true;
            }
            replaceOrAdd(folded, h);
        }
        byte f = revoked ? HAS_REVOCATION : 0;
        for (RowCodec.Header h : folded) {
            if (counts(h, revoked, rs, rn)) {
                f |= ACTIVE;
            }
            if (h.status == ConsentStatus.PENDING) {
                f |= HAS_PENDING;
            }
        }
        if (revoked && (f & ACTIVE) == 0) {
            f |= OPTED_OUT;
        }
        return f;
    }

    /** The headers of every row, in journal order. */
    List<RowCodec.Header> headerList() {
        List<RowCodec.Header> out = new ArrayList<>(4);
        for (Row r : headers()) {
            out.add(r.header);
        }
        return out;
    }

    private static void replaceOrAdd(List<RowCodec.Header> folded, RowCodec.Header h) {
        for (int i = 0; i < folded.size(); i++) {
            if (folded.get(i).sameId(h)) {
                folded.set(i, h);
                return;
            }
        }
        folded.add(h);
    }

    /** Active and given at or after the number's last opt-out. */
    private static boolean counts(RowCodec.Header h, boolean revoked, long rs, int rn) {
        return h.status == ConsentStatus.ACTIVE && (!revoked || h.compareTime(rs, rn) >= 0);
    }

    /** Whether {@code h} counts, given the revocation time {@code rev} from {@link #revocation()}. */
    private static boolean counts(RowCodec.Header h, long[] rev) {
        return counts(h, rev != null, rev == null ? 0 : rev[0], rev == null ? 0 : (int) rev[1]);
    }

    /** {seconds, nanos} of the latest revocation of any row, or null (recomputed if not summarised). */
    private long[] revocation() {
        if ((flags & HAS_REVOCATION) == 0) {
            return null;
        }
        if (sum != null) {
            return sum.revoked() ? new long[] {sum.revokedSeconds(), sum.revokedNanos()} : null;
        }
        long[] best = null;
        for (Row r : headers()) {
            RowCodec.Header h = r.header;
            if (h.status == ConsentStatus.REVOKED) {
                long s = h.hasRevokedAt ? h.revokedSeconds : h.seconds;
                int n = h.hasRevokedAt ? h.revokedNanos : h.nanos;
                if (best == null || s > best[0] || s == best[0] && n > best[1]) {
                    best = new long[] {s, n};
                }
            }
        }
        return best;
    }

    /** One decoded row with its header, for folding. */
    private record Row(RowCodec.Header header, int bodyPos) {
    }

    private List<Row> headers() {
        List<Row> out = new ArrayList<>(4);
        int pos = from;
        while (pos < to) {
            RowCodec.Header h = new RowCodec.Header();
            int body = RowCodec.readHeader(data, pos, h);
            out.add(new Row(h, body));
            pos = h.end;
        }
        return out;
    }

    private Row row(int offset) {
        RowCodec.Header h = new RowCodec.Header();
        int body = RowCodec.readHeader(data, offset, h);
        return new Row(h, body);
    }

    private List<Row> foldedRows() {
        if (sum != null) {
            return foldedByMap(); // many ids: fold in O(rows), not O(rows x ids)
        }
        List<Row> folded = new ArrayList<>(4);
        outer:
        for (Row r : headers()) {
            for (int i = 0; i < folded.size(); i++) {
                if (folded.get(i).header.sameId(r.header)) {
                    folded.set(i, r);
                    continue outer;
                }
            }
            folded.add(r);
        }
        return folded;
    }

    private List<Row> foldedByMap() {
        List<Row> folded = new ArrayList<>(sum.ids());
        java.util.HashMap<Object, Integer> at = new java.util.HashMap<>(sum.ids() * 2);
        for (Row r : headers()) {
            Integer i = at.putIfAbsent(r.header.id != null ? r.header.id : Long.valueOf(r.header.idBits), folded.size());
            if (i == null) {
                folded.add(r);
            } else {
                folded.set(i, r);
            }
        }
        return folded;
    }

    /** The folded rows that are active or pending, in order of first appearance. */
    private List<Row> liveRows() {
        List<Row> out = new ArrayList<>(2);
        for (Row r : foldedRows()) {
            if (r.header.status == ConsentStatus.ACTIVE || r.header.status == ConsentStatus.PENDING) {
                out.add(r);
            }
        }
        return out;
    }

    /** Every row, in journal order. */
    public List<ConsentRecord> history(RowCodec codec) {
        PhoneNumber phone = phone();
        List<ConsentRecord> out = new ArrayList<>();
        for (Row r : headers()) {
            out.add(codec.decode(data, r.header, r.bodyPos, phone));
        }
        return out;
    }

    /** The newest {@code newest} rows, in journal order; decodes only those. */
    public List<ConsentRecord> history(RowCodec codec, int newest) {
        PhoneNumber phone = phone();
        List<Row> rows = headers();
        List<ConsentRecord> out = new ArrayList<>(Math.min(newest, rows.size()));
        for (Row r : rows.subList(Math.max(0, rows.size() - newest), rows.size())) {
            out.add(codec.decode(data, r.header, r.bodyPos, phone));
        }
        return out;
    }

    /** The folded record of each consent id, in order of first appearance. */
    public List<ConsentRecord> current(RowCodec codec) {
        PhoneNumber phone = phone();
        List<ConsentRecord> out = new ArrayList<>();
        for (Row r : foldedRows()) {
            out.add(codec.decode(data, r.header, r.bodyPos, phone));
        }
        return out;
    }

    /**
     * The folded record of each consent id that is active or pending, in order of first appearance
     * ({@link Index#live} is the same in O(live) under the number's lock).
     */
    public List<ConsentRecord> live(RowCodec codec) {
        PhoneNumber phone = phone();
        List<ConsentRecord> out = new ArrayList<>(2);
        for (Row r : liveRows()) {
            out.add(codec.decode(data, r.header, r.bodyPos, phone));
        }
        return out;
    }

    /** The records of the rows at {@code offsets}. */
    List<ConsentRecord> decodeAt(RowCodec codec, int[] offsets) {
        PhoneNumber phone = phone();
        List<ConsentRecord> out = new ArrayList<>(offsets.length);
        for (int offset : offsets) {
            Row r = row(offset);
            out.add(codec.decode(data, r.header, r.bodyPos, phone));
        }
        return out;
    }

    /** The folded records whose status is {@code status} (ACTIVE means "counts as active"). */
    public List<ConsentRecord> withStatus(RowCodec codec, ConsentStatus status) {
        PhoneNumber phone = phone();
        List<ConsentRecord> out = new ArrayList<>(2);
        long[] rev = revocation();
        for (Row r : foldedRows()) {
            if (status == ConsentStatus.ACTIVE ? counts(r.header, rev) : r.header.status == status) {
                out.add(codec.decode(data, r.header, r.bodyPos, phone));
            }
        }
        return out;
    }

    /** The latest counting active consent if any, else the most recent record of any status; null if none. */
    public ConsentRecord status(RowCodec codec) {
        Row best = statusRow();
        return best == null ? null : codec.decode(data, best.header, best.bodyPos, phone());
    }

    /** {@link #status(RowCodec)} with the record's number given: {@code phone} must be this state's. */
    public ConsentRecord status(RowCodec codec, PhoneNumber phone) {
        Row best = statusRow();
        return best == null ? null : codec.decode(data, best.header, best.bodyPos, phone);
    }

    /**
     * The status of {@link #status(RowCodec)}'s record, read from its row's header alone (no text,
     * metadata or instant decoded); null if the number has no rows.
     */
    public ConsentStatus statusOnly() {
        Row best = statusRow();
        return best == null ? null : best.header.status;
    }

    private Row statusRow() {
        if (to == from) {
            return null;
        }
        RowCodec.Header first = new RowCodec.Header();
        int firstBody = RowCodec.readHeader(data, from, first);
        if (first.end == to) {
            return new Row(first, firstBody); // one row: it is the answer
        }
        Row best = null;
        if (sum != null) {
            best = row(isActive() ? sum.latestCounting() : sum.latest());
        } else if (isActive()) {
            long[] rev = revocation();
            for (Row r : foldedRows()) {
                if (counts(r.header, rev) && (best == null
                        || r.header.compareTime(best.header.seconds, best.header.nanos) >= 0)) {
                    best = r;
                }
            }
        } else {
            long bs = 0;
            int bn = 0;
            for (Row r : foldedRows()) {
                RowCodec.Header h = r.header;
                long s = h.seconds;
                int n = h.nanos;
                if (h.hasRevokedAt && (h.revokedSeconds > s || h.revokedSeconds == s && h.revokedNanos > n)) {
                    s = h.revokedSeconds;
                    n = h.revokedNanos;
                }
                if (best == null || s > bs || s == bs && n >= bn) {
                    best = r;
                    bs = s;
                    bn = n;
                }
            }
        }
        return best;
    }

    /** The current record of {@code consentId}, or null. */
    public ConsentRecord find(RowCodec codec, String consentId) {
        RowCodec.Header probe = new RowCodec.Header();
        if (RowCodec.isHexId(consentId)) {
            probe.idBits = RowCodec.hexBits(consentId);
        } else {
            probe.id = consentId;
        }
        Row found = null;
        for (Row r : headers()) {
            if (r.header.sameId(probe)) {
                found = r;
            }
        }
        return found == null ? null : codec.decode(data, found.header, found.bodyPos, phone());
    }

    /** True if a row has the id whose hex bits are {@code idBits} (0: not hex, then {@code id}); headers only. */
    public boolean hasId(long idBits, String id) {
        RowCodec.Header h = new RowCodec.Header();
        int pos = from;
        while (pos < to) {
            RowCodec.readHeader(data, pos, h);
            if (idBits != 0 ? h.id == null && h.idBits == idBits : id.equals(h.id)) {
                return true;
            }
            pos = h.end;
        }
        return false;
    }

    /** The latest revocation time, or null. */
    public java.time.Instant lastRevocation() {
        long[] rev = revocation();
        return rev == null ? null : java.time.Instant.ofEpochSecond(rev[0], rev[1]);
    }

    /** Bytes of rows (for diagnostics). */
    public int bytes() {
        return to - from;
    }

    /** The length of the array the rows lie in. */
    int capacity() {
        return data.length;
    }

    Summary summary() {
        return sum;
    }
}
