package io.consentkit.consent.internal;

import java.nio.charset.StandardCharsets;

/**
 * The compact encoding of a row's free-text fields ({@link RowCodec}): a varint tag whose low two
 * bits say what follows, so each value costs what its shape needs and decodes to exactly the
 * string it was.
 *
 * <pre>
 * tag &amp; 3 = 0: (tag &gt;&gt;&gt; 2) UTF-8 bytes follow          any text
 *           1: (tag &gt;&gt;&gt; 2) is a {@link TextPool} id     a text that repeats (see {@link Repeats})
 *           2: (tag &gt;&gt;&gt; 2) is the value, in decimal     "0" or 1 to 18 digits, the first not 0
 *           3: (tag &gt;&gt;&gt; 2) is an IPv4 address           a dotted quad of decimal octets, no leading zeros
 * </pre>
 *
 * <p>Stateless apart from the pool and cache it is given; thread-safe.
 */
final class Values {
    private static final int INLINE = 0;
    private static final int POOLED = 1;
    private static final int DECIMAL = 2;
    private static final int IPV4 = 3;

    private Values() {
    }

    /** Writes {@code s}, pooled if {@code repeats} says it repeats (null: never pooled). */
    static void write(RowCodec.Out out, String s, TextPool pool, Repeats repeats) {
        long n = decimal(s);
        if (n >= 0) {
            out.varint(n << 2 | DECIMAL);
            return;
        }
        long ip = ipv4(s);
        if (ip >= 0) {
            out.varint(ip << 2 | IPV4);
            return;
        }
        int id = repeats == null ? -1 : repeats.idIfRepeated(s, pool);
        if (id >= 0) {
            out.varint((long) id << 2 | POOLED);
            return;
        }
        byte[] b = ascii(s) ? null : s.getBytes(StandardCharsets.UTF_8);
        int len = b == null ? s.length() : b.length;
        out.varint((long) len << 2 | INLINE);
        if (b == null) {
            for (int i = 0; i < len; i++) {
                out.write(s.charAt(i));
            }
        } else {
            out.write(b, 0, len);
        }
    }

    static String read(RowCodec.In in, TextPool pool) {
        long tag = in.varint();
        long v = tag >>> 2;
        switch ((int) (tag & 3)) {
            case POOLED:
                return pool.get((int) v);
            case DECIMAL:
                return Long.toString(v);
            case IPV4:
                return (v >>> 24) + "." + (v >>> 16 & 0xFF) + "." + (v >>> 8 & 0xFF) + "." + (v & 0xFF);
            default:
                return in.text((int) v);
        }
    }

    /**
     * An e-mail written as its local part and domain: read back as one string, built in one go when
     * both are ASCII and the local part is stored inline (the usual case), instead of two and a concatenation.
     */
    static String readEmail(RowCodec.In in, TextPool pool) {
        int start = in.pos;
        long tag = in.varint();
        if ((tag & 3) == INLINE) {
            int n = (int) (tag >>> 2);
            int from = in.pos;
            in.pos += n;
            String domain = read(in, pool);
            byte[] out = new byte[n + 1 + domain.length()];
            boolean ascii = true;
            for (int i = 0; i < n && ascii; i++) {
                ascii = in.b[from + i] >= 0;
            }
            for (int i = 0; i < domain.length() && ascii; i++) {
                char c = domain.charAt(i);
                ascii = c < 0x80;
                out[n + 1 + i] = (byte) c;
            }
            if (ascii) {
                System.arraycopy(in.b, from, out, 0, n);
                out[n] = '@';
                return new String(out, StandardCharsets.ISO_8859_1);
            }
        }
        in.pos = start; // not both ASCII, or a local part in another shape: read them apart
        String local = read(in, pool);
        return local + "@" + read(in, pool);
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The value of a canonical decimal ("0", or 1 to 18 digits not starting with 0), else -1. */
    static long decimal(String s) {
        int n = s.length();
        if (n == 0 || n > 18 || n > 1 && s.charAt(0) == '0') {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** The 32 bits of a canonical dotted-quad IPv4 address (octets 0 to 255, no leading zeros), else -1. */
    static long ipv4(String s) {
        int n = s.length();
        if (n < 7 || n > 15) {
            return -1;
        }
        long v = 0;
        int octets = 0;
        int i = 0;
        while (true) {
            int start = i;
            int o = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                o = o * 10 + (s.charAt(i) - '0');
                i++;
            }
            int len = i - start;
            if (len == 0 || len > 3 || len > 1 && s.charAt(start) == '0' || o > 255) {
                return -1;
            }
            v = v << 8 | o;
            octets++;
            if (i == n) {
                return octets == 4 ? v : -1;
            }
            if (s.charAt(i) != '.' || octets == 4) {
                return -1;
            }
            i++;
        }
    }

    /**
     * Which texts repeat: a small cache of recently seen texts with a count each, so a text is pooled
     * from its third sighting on (a consent's own texts, such as a message id, appear twice at most:
     * in its grant and its revocation; pooling those would cost more than it saves) and texts that
     * never repeat cost nothing. Races between threads lose a count at worst (each cache entry is an
     * immutable object); the encoding stays exact either way.
     */
    static final class Repeats {
        private static final int SIZE = 4096;
        private static final int MIN_LENGTH = 4;
        private static final int SIGHTINGS = 3;

        private record Seen(String text, int count) {
        }

        private final Seen[] seen = new Seen[SIZE];
        /** The hash of each slot's text: a text that never repeats is told apart without reading the entry. */
        private final int[] hashes = new int[SIZE];

        /** The pool id of {@code s} if it is pooled or now repeats often enough to be, else -1. */
        int idIfRepeated(String s, TextPool pool) {
            if (s.length() < MIN_LENGTH) {
                return -1;
            }
            int id = pool.find(s);
            if (id >= 0) {
                return id;
            }
            int hash = s.hashCode();
            int slot = (hash * 0x9E3779B9 >>> 20) & (SIZE - 1);
            int count = 1;
            if (hashes[slot] == hash) {
                Seen prior = seen[slot];
                if (prior != null && prior.text.equals(s)) {
                    count = prior.count + 1;
                }
            }
            if (count >= SIGHTINGS) {
                seen[slot] = null;
                return pool.id(s);
            }
            seen[slot] = new Seen(s, count);
            hashes[slot] = hash;
            return -1;
        }
    }
}
