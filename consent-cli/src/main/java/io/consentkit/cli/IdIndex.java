package io.consentkit.cli;

import java.util.Arrays;

/**
 * The distinct strings of a pass (consent ids), each given a dense index in order of first
 * appearance, held as characters in one array rather than as a String and a map entry each: a
 * million ids cost tens of megabytes and no object per id, so a pass that counts them does not keep
 * every decoded row's id alive for the collector to copy. Exact (keys are compared in full). Not
 * thread-safe.
 */
final class IdIndex {
    private char[] chars = new char[1 << 16];
    private int used;
    private int[] starts = new int[1024]; // by index: where the key's characters begin
    private int[] lengths = new int[1024];
    private int[] hashes = new int[1024];
    private int[] table = new int[2048]; // open addressing: index + 1, 0 for empty
    private int size;
    private boolean added;

    /** The index of {@code key}, adding it (the next index) if it is new; see {@link #added()}. */
    int add(String key) {
        int h = mix(key.hashCode());
        int mask = table.length - 1;
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            int e = table[slot];
            if (e == 0) {
                added = true;
                return insert(key, h, slot);
            }
            int i = e - 1;
            if (hashes[i] == h && same(i, key)) {
                added = false;
                return i;
            }
        }
    }

    /** True if the last {@link #add} added its key. */
    boolean added() {
        return added;
    }

    /** How many distinct keys were added. */
    int size() {
        return size;
    }

    private boolean same(int i, String key) {
        int n = lengths[i];
        if (n != key.length()) {
            return false;
        }
        int at = starts[i];
        for (int k = 0; k < n; k++) {
            if (chars[at + k] != key.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private int insert(String key, int h, int slot) {
        int n = key.length();
        if (used + n > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, used + n));
        }
        key.getChars(0, n, chars, used);
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            lengths = Arrays.copyOf(lengths, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        starts[size] = used;
        lengths[size] = n;
        hashes[size] = h;
        used += n;
        table[slot] = size + 1;
        int index = size++;
        if (size * 2 > table.length) {
            rehash();
        }
        return index;
    }

    private void rehash() {
        int[] t = new int[table.length * 2];
        int mask = t.length - 1;
        for (int i = 0; i < size; i++) {
            int slot = hashes[i] & mask;
            while (t[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            t[slot] = i + 1;
        }
        table = t;
    }

    private static int mix(int h) {
        h *= 0x9E3779B9; // spreads String.hashCode's low bits over the table
        return h ^ (h >>> 16);
    }
}
