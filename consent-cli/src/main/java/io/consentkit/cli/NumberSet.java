package io.consentkit.cli;

import io.consentkit.phone.PhoneNumber;

/**
 * The distinct phone numbers of a pass, each held as the long of its E.164 digits (at most 15, so
 * exact) in an open-addressing table: no String or map entry per number. Not thread-safe.
 */
final class NumberSet {
    private long[] table = new long[2048]; // digits + 1 (a number's digits are never -1), 0 for empty
    private int size;

    /** Adds {@code number}. */
    void add(PhoneNumber number) {
        String e164 = number.e164();
        long key = Long.parseLong(e164, 1, e164.length(), 10) + 1; // E.164: '+' then 1 to 15 digits
        int mask = table.length - 1;
        for (int slot = mix(key) & mask; ; slot = (slot + 1) & mask) {
            long e = table[slot];
            if (e == key) {
                return;
            }
            if (e == 0) {
                table[slot] = key;
                if (++size * 2 > table.length) {
                    rehash();
                }
                return;
            }
        }
    }

    /** How many distinct numbers were added. */
    int size() {
        return size;
    }

    private void rehash() {
        long[] t = new long[table.length * 2];
        int mask = t.length - 1;
        for (long e : table) {
            if (e != 0) {
                int slot = mix(e) & mask;
                while (t[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                t[slot] = e;
            }
        }
        table = t;
    }

    private static int mix(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
