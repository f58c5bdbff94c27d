package io.consentkit.consent.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import io.consentkit.internal.CompactMap;
import java.util.Map;

/**
 * Encodes journal rows compactly for the in-memory index: a few hundred bytes of objects become
 * about a hundred bytes of one array. The number is not stored (it is the index key); repeated
 * texts are {@link TextPool} ids. Each row starts with a header (length, id, timestamp, status,
 * revocation time) that {@link #readHeader} reads without decoding the rest.
 *
 * <pre>
 * row    = varint bodyLength, header, body
 * header = flags:u8, id (8 bytes if 16 lower-case hex digits, else string), time, status:u8,
 *          [revoked time], [program:poolId, brand:poolId, channel:poolId]
 * time   = SECONDS: zigzag(seconds - BASE), the revocation zigzag(its seconds - the row's);
 *          MILLIS: zigzag(epoch millis); else zigzag(seconds), nanos:varint
 * body   = method:poolId, message:poolId, customerId:value, customerName:string,
 *          customerEmail (EMAIL_AT: local part:value, domain:value; else value), ipAddress:value,
 *          screenshotUrl:value, metadata: varint count, (key:poolId, value)*, revokedMethod:poolId
 * string = varint byteLength, UTF-8 bytes
 * value  = {@link Values}: a tagged text, decimal, IPv4 address or (for texts that repeat:
 *          metadata values, e-mail domains, screenshot URLs) pool id
 * </pre>
 *
 * <p>Whole-second times (the journal's usual precision) cost 4 bytes and a revocation an hour later
 * 2, instead of 6 and 6 as epoch milliseconds.
 *
 * <p>The scope ids are present only when the flag {@code SCOPE} is set (a row with a program, brand
 * or channel), so a legacy-shaped row costs what it did before scopes; the flag {@code NO_METHOD}
 * marks an empty opt-in method, so a suppression is told from the header alone.
 */
public final class RowCodec {
    private static final int HEX_ID = 1;
    private static final int REVOKED_AT = 2;
    private static final int MILLIS = 4;
    private static final int SCOPE = 8;
    private static final int NO_METHOD = 16;
    private static final int SECONDS = 32;
    private static final int EMAIL_AT = 64;
    /** Whole-second times are stored relative to this (2023-11-14T22:13:20Z): 4 bytes for years around it. */
    static final long BASE = 1_700_000_000L;
    private static final ConsentStatus[] STATUSES = ConsentStatus.values();

    private final TextPool pool;
    private final Values.Repeats repeats = new Values.Repeats();

    /** The text of pool id {@code id} (scope ids of a {@link Header}). */
    String text(int id) {
        return pool.get(id);
    }

    /** The pool id of {@code s}, adding it if new. */
    int textId(String s) {
        return pool.id(s);
    }

    RowCodec(TextPool pool) {
        this.pool = pool;
    }

    /** A growable byte buffer (not synchronised, unlike ByteArrayOutputStream). */
    static final class Out {
        private byte[] buf;
        private int count;

        Out(int size) {
            buf = new byte[size];
        }

        byte[] buffer() {
            return buf;
        }

        int size() {
            return count;
        }

        void reset() {
            count = 0;
        }

        void write(int b) {
            if (count == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            buf[count++] = (byte) b;
        }

        void write(byte[] b, int off, int len) {
            if (count + len > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        void zigzag(long v) {
            varint((v << 1) ^ (v >> 63));
        }

        void string(String s) {
            int n = s.length();
            boolean ascii = true;
            for (int i = 0; i < n; i++) {
                if (s.charAt(i) >= 0x80) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                varint(n);
                for (int i = 0; i < n; i++) {
                    write(s.charAt(i));
                }
            } else {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                varint(b.length);
                write(b, 0, b.length);
            }
        }

        void longBE(long v) {
            for (int i = 56; i >= 0; i -= 8) {
                write((int) (v >>> i));
            }
        }
    }

    /** Reads from an encoded array. */
    static final class In {
        final byte[] b;
        int pos;

        In(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        long varint() {
            long v = 0;
            int shift = 0;
            while (true) {
                byte x = b[pos++];
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    return v;
                }
                shift += 7;
            }
        }

        long zigzag() {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        String string() {
            return text((int) varint());
        }

        /** {@code n} UTF-8 bytes as a string. */
        String text(int n) {
            boolean ascii = true;
            for (int i = pos; i < pos + n; i++) {
                if (b[i] < 0) {
                    ascii = false;
                    break;
                }
            }
            String s = n == 0 ? "" : new String(b, pos, n, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        long longBE() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[pos++] & 0xFF);
            }
            return v;
        }
    }

    /** The fields of a row's header. */
    static final class Header {
        long idBits;
        String id; // null when the id is hex (idBits holds it)
        long seconds;
        int nanos;
        ConsentStatus status;
        boolean hasRevokedAt;
        long revokedSeconds;
        int revokedNanos;
        int end; // offset just after the row
        boolean noMethod; // empty opt-in method: with status revoked, a suppression
        int programId; // TextPool ids; 0 (the empty string) when the row has no scope
        int brandId;
        int channelId;
        boolean emailAt; // the e-mail is stored as local part and domain

        /** An opt-out of a number with no consent of its own ({@link ConsentRecord#isSuppression()}). */
        boolean suppression() {
            return noMethod && status == ConsentStatus.REVOKED;
        }

        boolean sameId(Header o) {
            return id == null ? o.id == null && idBits == o.idBits : id.equals(o.id);
        }

        int compareTime(long s, int n) {
            return seconds != s ? Long.compare(seconds, s) : Integer.compare(nanos, n);
        }
    }

    /** True for 16 lower-case hex digits (not all zero): such ids are stored as their 64 bits. */
    static boolean isHexId(String id) {
        if (id.length() != 16) {
            return false;
        }
        for (int i = 0; i < 16; i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return !id.equals("0000000000000000"); // 0 is the index's empty-slot marker
    }

    static long hexBits(String id) {
        return Long.parseUnsignedLong(id, 16);
    }

    /** The 64 bits of a 16-digit lower-case hex id (see {@link #isHexId}), or 0 if it is not one. */
    static long hexIdBits(String id) {
        if (id.length() != 16) {
            return 0;
        }
        long v = 0;
        for (int i = 0; i < 16; i++) {
            char c = id.charAt(i);
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else {
                return 0;
            }
            v = v << 4 | d;
        }
        return v;
    }

    static String hexId(long bits) {
        String h = Long.toHexString(bits);
        return h.length() == 16 ? h : "0".repeat(16 - h.length()) + h;
    }

    private final ThreadLocal<Out> bodies = ThreadLocal.withInitial(() -> new Out(256));

    void encode(ConsentRecord r, Out out) {
        encode(r, hexIdBits(r.consentId()), out);
    }

    /** Encodes {@code r} whose {@link #hexIdBits} are {@code idBits} (0: not a hex id). */
    void encode(ConsentRecord r, long idBits, Out out) {
        Out body = bodies.get();
        body.reset();
        int flags = 0;
        boolean hex = idBits != 0;
        if (hex) {
            flags |= HEX_ID;
        }
        if (r.revokedAt() != null) {
            flags |= REVOKED_AT;
        }
        boolean seconds = r.timestamp().getNano() == 0 && (r.revokedAt() == null || r.revokedAt().getNano() == 0);
        boolean millis = !seconds && r.timestamp().getNano() % 1_000_000 == 0
                && (r.revokedAt() == null || r.revokedAt().getNano() % 1_000_000 == 0);
        if (seconds) {
            flags |= SECONDS;
        } else if (millis) {
            flags |= MILLIS;
        }
        String email = r.customerEmail();
        int at = email.lastIndexOf('@');
        if (at >= 0) {
            flags |= EMAIL_AT;
        }
        boolean scoped = !r.isLegacyShaped();
        if (scoped) {
            flags |= SCOPE;
        }
        if (r.optInMethod().isEmpty()) {
            flags |= NO_METHOD;
        }
        body.write(flags);
        if (hex) {
            body.longBE(idBits);
        } else {
            body.string(r.consentId());
        }
        if (seconds) {
            body.zigzag(r.timestamp().getEpochSecond() - BASE);
        } else {
            time(body, r.timestamp(), millis);
        }
        body.write(r.status().ordinal());
        if (r.revokedAt() != null) {
            if (seconds) {
                body.zigzag(r.revokedAt().getEpochSecond() - r.timestamp().getEpochSecond());
            } else {
                time(body, r.revokedAt(), millis);
            }
        }
        if (scoped) {
            body.varint(pool.id(r.program()));
            body.varint(pool.id(r.brand()));
            body.varint(pool.id(r.channel()));
        }
        body.varint(pool.id(r.optInMethod()));
        body.varint(pool.id(r.consentMessage()));
        Values.write(body, r.customerId(), pool, null);
        body.string(r.customerName());
        if (at >= 0) {
            Values.write(body, email.substring(0, at), pool, null);
            Values.write(body, email.substring(at + 1), pool, repeats);
        } else {
            Values.write(body, email, pool, null);
        }
        Values.write(body, r.ipAddress(), pool, null);
        Values.write(body, r.screenshotUrl(), pool, repeats);
        body.varint(r.metadata().size());
        for (Map.Entry<String, String> e : r.metadata().entrySet()) {
            body.varint(pool.id(e.getKey()));
            Values.write(body, e.getValue(), pool, repeats);
        }
        body.varint(pool.id(r.revokedMethod()));
        out.varint(body.size());
        out.write(body.buffer(), 0, body.size());
    }

    private static void time(Out out, Instant t, boolean millis) {
        if (millis) {
            out.zigzag(t.toEpochMilli());
        } else {
            out.zigzag(t.getEpochSecond());
            out.varint(t.getNano());
        }
    }

    /** Reads the header of the row at {@code pos} into {@code h}; {@code h.end} is where the next row starts. */
    static int readHeader(byte[] b, int pos, Header h) {
        In in = new In(b, pos);
        int len = (int) in.varint();
        h.end = in.pos + len;
        int flags = in.b[in.pos++] & 0xFF;
        h.emailAt = (flags & EMAIL_AT) != 0;
        if ((flags & HEX_ID) != 0) {
            h.idBits = in.longBE();
            h.id = null;
        } else {
            h.id = in.string();
        }
        boolean millis = (flags & MILLIS) != 0;
        boolean seconds = (flags & SECONDS) != 0;
        long v = in.zigzag();
        if (seconds) {
            h.seconds = BASE + v;
            h.nanos = 0;
        } else if (millis) {
            h.seconds = Math.floorDiv(v, 1000);
            h.nanos = (int) Math.floorMod(v, 1000) * 1_000_000;
        } else {
            h.seconds = v;
            h.nanos = (int) in.varint();
        }
        h.status = STATUSES[in.b[in.pos++]];
        h.hasRevokedAt = (flags & REVOKED_AT) != 0;
        if (h.hasRevokedAt) {
            long r = in.zigzag();
            if (seconds) {
                h.revokedSeconds = h.seconds + r;
                h.revokedNanos = 0;
            } else if (millis) {
                h.revokedSeconds = Math.floorDiv(r, 1000);
                h.revokedNanos = (int) Math.floorMod(r, 1000) * 1_000_000;
            } else {
                h.revokedSeconds = r;
                h.revokedNanos = (int) in.varint();
            }
        }
        h.noMethod = (flags & NO_METHOD) != 0;
        if ((flags & SCOPE) != 0) {
            h.programId = (int) in.varint();
            h.brandId = (int) in.varint();
            h.channelId = (int) in.varint();
        } else {
            h.programId = 0;
            h.brandId = 0;
            h.channelId = 0;
        }
        return in.pos;
    }

    /** Decodes the row at {@code pos} (its header already read into {@code h}, body at {@code bodyPos}). */
    ConsentRecord decode(byte[] b, Header h, int bodyPos, PhoneNumber phone) {
        In in = new In(b, bodyPos);
        String method = pool.get((int) in.varint());
        String message = pool.get((int) in.varint());
        String customerId = Values.read(in, pool);
        String customerName = in.string();
        String customerEmail = h.emailAt ? Values.readEmail(in, pool) : Values.read(in, pool);
        String ip = Values.read(in, pool);
        String screenshot = Values.read(in, pool);
        int n = (int) in.varint();
        Map<String, String> md = Map.of();
        if (n > 0) {
            String[] kv = new String[n * 2];
            for (int i = 0; i < kv.length; i += 2) {
                kv[i] = pool.get((int) in.varint());
                kv[i + 1] = Values.read(in, pool);
            }
            md = CompactMap.ofTrustedPairs(kv);
        }
        String revokedMethod = pool.get((int) in.varint());
        return new ConsentRecord(h.id != null ? h.id : hexId(h.idBits), Instant.ofEpochSecond(h.seconds, h.nanos),
                phone, method, message, customerId, customerName, customerEmail, ip, screenshot, md, h.status,
                h.hasRevokedAt ? Instant.ofEpochSecond(h.revokedSeconds, h.revokedNanos) : null, revokedMethod,
                pool.get(h.programId), pool.get(h.brandId), pool.get(h.channelId));
    }
}
