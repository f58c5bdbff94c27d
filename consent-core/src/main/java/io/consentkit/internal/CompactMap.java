package io.consentkit.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable, insertion-ordered map of strings held in one array: a few dozen bytes instead of a
 * LinkedHashMap's few hundred, for the small metadata maps of a million journal rows. Keys are
 * interned. Lookups scan linearly (these maps hold a handful of entries). Not public API.
 */
public final class CompactMap extends AbstractMap<String, String> {
    private static final CompactMap EMPTY = new CompactMap(new String[0]);

    private final String[] kv;

    private CompactMap(String[] kv) {
        this.kv = kv;
    }

    /** An immutable copy of {@code map} in its iteration order (the same instance if already compact). */
    public static Map<String, String> copyOf(Map<String, String> map) {
        if (map instanceof CompactMap c) {
            return c;
        }
        if (map == null || map.isEmpty()) {
            return EMPTY;
        }
        String[] kv = new String[map.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            kv[i++] = Interner.intern(java.util.Objects.requireNonNull(e.getKey(), "metadata key"));
            kv[i++] = e.getValue() == null ? "" : e.getValue();
        }
        return new CompactMap(kv);
    }

    /**
     * A map over {@code kv} = key0, value0, key1, value1... taken as it is (no copy): the caller
     * hands over the array and never changes it. Keys must be distinct and non-null.
     */
    public static Map<String, String> ofTrustedPairs(String[] kv) {
        return kv.length == 0 ? EMPTY : new CompactMap(kv);
    }

    @Override
    public int size() {
        return kv.length / 2;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public String get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : kv[i + 1];
    }

    private int indexOf(Object key) {
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    int i;

                    @Override
                    public boolean hasNext() {
                        return i < kv.length;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (i >= kv.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, String> e = new SimpleImmutableEntry<>(kv[i], kv[i + 1]);
                        i += 2;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return kv.length / 2;
            }
        };
    }
}
