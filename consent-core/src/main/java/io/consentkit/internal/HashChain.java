package io.consentkit.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The mechanics of a SHA-256 hash chain over rows, domain-free: a row's digest is SHA-256 over its
 * canonical bytes, and its link is SHA-256 over the previous row's link (32 bytes) followed by this
 * row's digest (32 bytes); the first row's previous link is {@link #GENESIS}, 32 zero bytes. Values
 * travel as 64 lower-case hex digits. Stateless and thread-safe (each thread gets its own
 * {@link MessageDigest}).
 */
public final class HashChain {
    /** Length of a digest or link in bytes. */
    public static final int BYTES = 32;
    /** Length of a digest or link in hex digits. */
    public static final int HEX_LENGTH = 64;
    /** The link before the first row of a chain: 32 zero bytes. */
    private static final byte[] GENESIS = new byte[BYTES];
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(HashChain::newDigest);

    private HashChain() {
    }

    /** A fresh copy of the genesis link. */
    public static byte[] genesis() {
        return GENESIS.clone();
    }

    /** SHA-256 of {@code bytes[from, to)}. */
    public static byte[] digest(byte[] bytes, int from, int to) {
        MessageDigest md = SHA256.get();
        md.update(bytes, from, to - from);
        return md.digest();
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}. */
    public static byte[] digest(CharSequence text) {
        byte[] b = text.toString().getBytes(StandardCharsets.UTF_8);
        return digest(b, 0, b.length);
    }

    /** The link after a row: SHA-256(previous link || row digest). */
    public static byte[] link(byte[] previous, byte[] rowDigest) {
        MessageDigest md = SHA256.get();
        md.update(previous);
        md.update(rowDigest);
        return md.digest();
    }

    /** 64 lower-case hex digits of a 32-byte value. */
    public static String hex(byte[] value) {
        return new String(hexBytes(value), StandardCharsets.US_ASCII);
    }

    /** The ASCII bytes of {@link #hex}. */
    public static byte[] hexBytes(byte[] value) {
        byte[] out = new byte[value.length * 2];
        for (int i = 0; i < value.length; i++) {
            out[2 * i] = HEX[(value[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[value[i] & 0xF];
        }
        return out;
    }

    /** True if {@code s} is exactly 64 lower-case hex digits. */
    public static boolean isHex(CharSequence s) {
        if (s == null || s.length() != HEX_LENGTH) {
            return false;
        }
        if (s instanceof String str) {
            return isHex(str); // a monomorphic loop: every replayed chained row checks two cells
        }
        for (int i = 0; i < HEX_LENGTH; i++) {
            if (nibble(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(String s) {
        int bad = 0;
        for (int i = 0; i < HEX_LENGTH; i++) {
            bad |= nibble(s.charAt(i)); // no branch per digit: negative if any is not a hex digit
        }
        return bad >= 0;
    }

    /** The value of a lower-case hex digit, or -1. */
    private static int nibble(char c) {
        return c < NIBBLES.length ? NIBBLES[c] : -1;
    }

    private static final byte[] NIBBLES = new byte['f' + 1];

    static {
        java.util.Arrays.fill(NIBBLES, (byte) -1);
        for (int i = 0; i < 16; i++) {
            NIBBLES[HEX[i]] = (byte) i;
        }
    }

    /** Parses 64 lower-case hex digits; null if {@code s} is not that. */
    public static byte[] parseHex(CharSequence s) {
        if (!isHex(s)) {
            return null;
        }
        byte[] out = new byte[BYTES];
        for (int i = 0; i < BYTES; i++) {
            out[i] = (byte) (nibble(s.charAt(2 * i)) << 4 | nibble(s.charAt(2 * i + 1)));
        }
        return out;
    }

    /** Constant-time comparison. */
    public static boolean same(byte[] a, byte[] b) {
        return a != null && b != null && MessageDigest.isEqual(a, b);
    }

    /** True if {@code value} is the genesis link. */
    public static boolean isGenesis(byte[] value) {
        return Arrays.equals(value, GENESIS);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
