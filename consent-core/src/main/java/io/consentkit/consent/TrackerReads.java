package io.consentkit.consent;

import io.consentkit.consent.internal.Index;
import io.consentkit.consent.internal.NumberState;
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
 * first runs the tracker's refresh hook (for stores with other writers). Thread-safe.
 */
final class TrackerReads {
    /** Export and listing order: by time, then id. */
    static final Comparator<ConsentRecord> BY_TIME =
            Comparator.comparing(ConsentRecord::timestamp).thenComparing(ConsentRecord::consentId);
    private static final NumberState NONE = NumberState.empty(1);

    private final Index index;
    private final PhoneNumbers phones;
    private final Runnable maybeRefresh;

    TrackerReads(Index index, PhoneNumbers phones, Runnable maybeRefresh) {
        this.index = index;
        this.phones = phones;
        this.maybeRefresh = maybeRefresh;
    }

    private NumberState lookup(String phone) {
        maybeRefresh.run();
        long key = phone == null ? -1 : Index.key(phone);
        NumberState st = key > 0 ? index.get(key) : null;
        if (st != null) {
            return st; // canonical input already in the index: no parsing needed
        }
        PhoneNumber pn = phones.parse(phone);
        st = index.get(Index.key(pn.e164()));
        return st == null ? NONE : st;
    }

    private NumberState lookup(PhoneNumber phone) {
        maybeRefresh.run();
        NumberState st = index.get(Index.key(phone.e164()));
        return st == null ? NONE : st;
    }

    Optional<ConsentRecord> status(String phone) {
        return status(lookup(phone));
    }

    Optional<ConsentRecord> status(PhoneNumber phone) {
        return status(lookup(phone));
    }

    private Optional<ConsentRecord> status(NumberState st) {
        return st.isEmpty() ? Optional.empty() : Optional.ofNullable(st.status(index.codec));
    }

    boolean isActive(String phone) {
        maybeRefresh.run();
        int flags = phone == null ? -1 : index.flags(Index.key(phone));
        if (flags >= 0) {
            return (flags & NumberState.ACTIVE) != 0; // canonical and known: one hash probe
        }
        return lookup(phone).isActive();
    }

    boolean isActive(PhoneNumber phone) {
        maybeRefresh.run();
        int flags = index.flags(Index.key(phone.e164()));
        return flags >= 0 && (flags & NumberState.ACTIVE) != 0;
    }

    boolean isOptedOut(String phone) {
        maybeRefresh.run();
        int flags = phone == null ? -1 : index.flags(Index.key(phone));
        if (flags >= 0) {
            return (flags & NumberState.OPTED_OUT) != 0;
        }
        return lookup(phone).isOptedOut();
    }

    boolean isOptedOut(PhoneNumber phone) {
        maybeRefresh.run();
        int flags = index.flags(Index.key(phone.e164()));
        return flags >= 0 && (flags & NumberState.OPTED_OUT) != 0;
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

    /** Every consent whose folded state is {@code status} (active or pending), by time. */
    List<ConsentRecord> withStatus(ConsentStatus status) {
        maybeRefresh.run();
        List<ConsentRecord> out = new ArrayList<>();
        index.forEach(st -> {
            if (status == ConsentStatus.ACTIVE ? st.isActive() : st.hasPending()) {
                out.addAll(st.withStatus(index.codec, status));
            }
        });
        out.sort(BY_TIME);
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
