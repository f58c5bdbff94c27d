package io.consentkit.inbound;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.phone.PhoneNumber;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The handler's duplicate check: the last {@code capacity} message SIDs in memory and, for any other,
 * the SIDs the number's journal rows carry ({@link InboundHandler#SID_KEYS}), so a redelivery after a
 * restart is recognised too. Callers hold the number's lock. Thread-safe.
 *
 * <p>The journal look-up reads only the number's newest {@value #JOURNAL_LOOKBACK} rows: a provider
 * redelivers within minutes, so the rows of a redelivered message are among the newest unless the
 * number sent hundreds of other messages in between (a flood, where a repeated STOP changes nothing
 * and a repeated START is capped). Without the bound each message of a number with k rows cost O(k).
 */
final class SeenSids {
    /** How many of the number's newest journal rows a SID not in memory is looked for in. */
    static final int JOURNAL_LOOKBACK = 256;

    private final ConsentTracker tracker;
    private final Map<String, Boolean> recent;

    SeenSids(ConsentTracker tracker, int capacity) {
        this.tracker = tracker;
        this.recent = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        });
    }

    /** True if {@code sid} from {@code from} was handled before. */
    boolean seen(PhoneNumber from, String sid) {
        if (recent.containsKey(sid)) {
            return true;
        }
        for (ConsentRecord r : tracker.history(from, JOURNAL_LOOKBACK)) {
            for (String key : InboundHandler.SID_KEYS) {
                if (sid.equals(r.metadata().get(key))) {
                    recent.put(sid, Boolean.TRUE);
                    return true;
                }
            }
        }
        return false;
    }

    /** Remembers a SID once its message has been handled (and its rows written). */
    void remember(String sid) {
        recent.put(sid, Boolean.TRUE);
    }
}
