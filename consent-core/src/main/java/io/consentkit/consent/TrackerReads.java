package io.consentkit.consent;

import io.consentkit.consent.internal.Index;
import io.consentkit.consent.internal.NumberState;
import io.consentkit.consent.internal.ScopedFold;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The tracker's read side: lock-free answers from the index, for numbers as typed (a canonical number
 * already in the index is found without parsing) or as {@link PhoneNumber}s (never parsed). Each read
 * first runs the tracker's refresh hook (for stores with other writers). The scoped reads take a
 * program's ordinal in the tracker's {@link Programs} (0: the default program, which the unscoped
 * lookups answer for). Thread-safe.
 */
final class TrackerReads {
    /** Export and listing order: by time, then id. */
    static final Comparator<ConsentRecord> BY_TIME =
            Comparator.comparing(ConsentRecord::timestamp).thenComparing(ConsentRecord::consentId);
    private static final NumberState NONE = NumberState.empty(1);

    private final Index index;
    private final PhoneNumbers phones;
    private final Runnable maybeRefresh;
    private final ErasedNumbers erased;

    TrackerReads(Index index, PhoneNumbers phones, Runnable maybeRefresh, ErasedNumbers erased) {
        this.index = index;
        this.phones = phones;
        this.maybeRefresh = maybeRefresh;
        this.erased = erased;
    }

    private NumberState lookup(String phone) {
        maybeRefresh.run();
        long key = phone == null ? -1 : Index.key(phone);
        NumberState st = key > 0 ? index.get(key) : null;
        if (st != null) {
            return st; // canonical input already in the index: no parsing needed
        }
        return parsedLookup(phone);
    }

    /** {@link #lookup(String)} for input that is not a canonical number in the index. */
    private NumberState parsedLookup(String phone) {
        PhoneNumber pn = phones.parse(phone);
        NumberState st = index.get(Index.key(pn.e164()));
        return st == null ? NONE : st;
    }

    private NumberState lookup(PhoneNumber phone) {
        maybeRefresh.run();
        NumberState st = index.get(Index.key(phone.e164()));
        return st == null ? NONE : st;
    }

    Optional<ConsentRecord> status(String phone, int program) {
        maybeRefresh.run();
        long key = phone == null ? -1 : Index.key(phone);
        NumberState st = key > 0 ? index.get(key) : null;
        if (st != null) { // canonical input found as it is: the record's number is that string, not rebuilt
            return status(st, program, new PhoneNumber(phone));
        }
        return status(parsedLookup(phone), program, null);
    }

    Optional<ConsentRecord> status(PhoneNumber phone, int program) {
        return status(lookup(phone), program, phone);
    }

    private Optional<ConsentRecord> status(NumberState st, int program) {
        return status(st, program, null);
    }

    /** {@code known}: the number of {@code st} if the caller has it (it saves building it), else null. */
    private Optional<ConsentRecord> status(NumberState st, int program, PhoneNumber known) {
        if (st.isEmpty()) {
            return Optional.empty();
        }
        if (program == 0 && !index.isScoped(st.phoneKey())) {
            // legacy-shaped rows: the number-wide fold
            return Optional.ofNullable(known == null ? st.status(index.codec) : st.status(index.codec, known));
        }
        return Optional.ofNullable(ScopedFold.of(st.history(index.codec), index.scopes(), program).status());
    }

    /** One present Optional per status, so the status-only reads allocate nothing. */
    private static final List<Optional<ConsentStatus>> PRESENT =
            java.util.Arrays.stream(ConsentStatus.values()).map(Optional::of).toList();

    Optional<ConsentStatus> currentStatus(String phone) {
        maybeRefresh.run();
        int s = phone == null ? -1 : index.currentStatus(Index.key(phone));
        if (s == -1) { // not canonical, or unknown: parse (which names a bad number) and probe again
            return currentStatus(Index.key(phones.parse(phone).e164()));
        }
        return s == -2 ? status(index.get(Index.key(phone)), 0).map(ConsentRecord::status) : PRESENT.get(s);
    }

    Optional<ConsentStatus> currentStatus(PhoneNumber phone) {
        maybeRefresh.run();
        return currentStatus(Index.key(phone.e164()));
    }

    /** The status of {@link #status}'s record for the default program, from the index alone where it can. */
    private Optional<ConsentStatus> currentStatus(long key) {
        int s = index.currentStatus(key);
        if (s == -1) {
            return Optional.empty();
        }
        return s == -2 ? status(index.get(key), 0).map(ConsentRecord::status) : PRESENT.get(s);
    }

    /** The flags of a canonical number already in the index, or -1 (then parse and probe again). */
    private int canonicalFlags(String phone, int program) {
        maybeRefresh.run();
        return phone == null ? -1 : index.flags(Index.key(phone), program);
    }

    private int flags(PhoneNumber phone, int program) {
        maybeRefresh.run();
        return index.flags(Index.key(phone.e164()), program);
    }

    boolean isActive(String phone, int program) {
        int flags = canonicalFlags(phone, program);
        if (flags < 0) {
            flags = index.flags(Index.key(phones.parse(phone).e164()), program); // not canonical, or unknown
        }
        return flags > 0 && (flags & NumberState.ACTIVE) != 0;
    }

    boolean isActive(PhoneNumber phone, int program) {
        int flags = flags(phone, program);
        return flags > 0 && (flags & NumberState.ACTIVE) != 0;
    }

    boolean isOptedOut(String phone, int program) {
        int flags = canonicalFlags(phone, program);
        if (flags < 0) {
            PhoneNumber parsed = phones.parse(phone);
            flags = index.flags(Index.key(parsed.e164()), program);
            if (flags < 0) {
                return erased.suppresses(parsed); // no row of its own: erased?
            }
        }
        return flags > 0 && (flags & NumberState.OPTED_OUT) != 0;
    }

    boolean isOptedOut(PhoneNumber phone, int program) {
        int flags = flags(phone, program);
        if (flags < 0) {
            return erased.suppresses(phone); // no row of its own: erased?
        }
        return flags > 0 && (flags & NumberState.OPTED_OUT) != 0;
    }

    List<ConsentRecord> history(String phone) {
        return history(lookup(phone));
    }

    List<ConsentRecord> history(PhoneNumber phone) {
        return history(lookup(phone));
    }

    List<ConsentRecord> history(PhoneNumber phone, int newest) {
        NumberState st = lookup(phone);
        return st.isEmpty() ? List.of() : List.copyOf(st.history(index.codec, newest));
    }

    private List<ConsentRecord> history(NumberState st) {
        return st.isEmpty() ? List.of() : List.copyOf(st.history(index.codec));
    }

    List<ConsentRecord> consents(String phone) {
        return consents(lookup(phone));
    }

    List<ConsentRecord> consents(PhoneNumber phone) {
        return consents(lookup(phone));
    }

    private List<ConsentRecord> consents(NumberState st) {
        if (st.isEmpty()) {
            return List.of();
        }
        List<ConsentRecord> cur = new ArrayList<>(st.current(index.codec));
        cur.sort(BY_TIME);
        return List.copyOf(cur);
    }

    /** Every consent whose folded state is pending, across all numbers and programs, by time. */
    List<ConsentRecord> pending() {
        maybeRefresh.run();
        List<ConsentRecord> out = new ArrayList<>();
        index.forEach(st -> {
            if (st.hasPending()) {
                out.addAll(st.withStatus(index.codec, ConsentStatus.PENDING));
            }
        });
        out.sort(BY_TIME);
        return out;
    }

    /** One record per number active in the program: its status there, by time. */
    List<ConsentRecord> active(int program) {
        maybeRefresh.run();
        List<ConsentRecord> out = new ArrayList<>();
        for (long key : index.numbersWith(program, NumberState.ACTIVE)) {
            NumberState st = index.get(key);
            if (st != null) {
                status(st, program).ifPresent(out::add);
            }
        }
        out.sort(BY_TIME);
        return out;
    }

    /** The numbers active in the program, in ascending order of their digits. */
    List<PhoneNumber> activeNumbers(int program) {
        maybeRefresh.run();
        long[] keys = index.numbersWith(program, NumberState.ACTIVE);
        List<PhoneNumber> out = new ArrayList<>(keys.length);
        for (long k : keys) {
            out.add(new PhoneNumber("+" + k));
        }
        return out;
    }

    Optional<ConsentRecord> findById(String consentId) {
        maybeRefresh.run();
        long phone = index.phoneOf(consentId);
        NumberState st = phone < 0 ? null : index.get(phone);
        return st == null ? Optional.empty() : Optional.ofNullable(st.find(index.codec, consentId));
    }

    /** The folded journal (every consent's current state), by time; no refresh. */
    List<ConsentRecord> all() {
        List<ConsentRecord> all = new ArrayList<>();
        index.forEach(st -> all.addAll(st.current(index.codec)));
        all.sort(BY_TIME);
        return all;
    }

    /**
     * Every row of the journal (each number's history in journal order; numbers by their first row's
     * time, then number), for the lossless journal export; no refresh.
     */
    List<ConsentRecord> journal() {
        List<List<ConsentRecord>> numbers = new ArrayList<>();
        index.forEach(st -> {
            if (!st.isEmpty()) {
                numbers.add(st.history(index.codec));
            }
        });
        numbers.sort(Comparator.comparing((List<ConsentRecord> h) -> h.get(0).timestamp())
                .thenComparing(h -> h.get(0).phoneNumber().e164()));
        List<ConsentRecord> all = new ArrayList<>();
        numbers.forEach(all::addAll);
        return all;
    }
}
