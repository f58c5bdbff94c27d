package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/** How the default tracker tells its {@link ConsentListener} of a durable append. Stateless. */
final class ListenerCalls {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultConsentTracker.class);

    private ListenerCalls() {
    }

    /** Reports a durable append to the listener; a listener's failure is logged, the write stands. */
    static void tell(ConsentListener listener, List<ConsentRecord> rows, long nanos) {
        if (listener == ConsentListener.NO_OP) {
            return;
        }
        safely(() -> listener.onAppend(rows.size(), Duration.ofNanos(nanos)));
        for (ConsentRecord r : rows) {
            if (r.status() == ConsentStatus.ACTIVE) {
                safely(() -> listener.onOptIn(r));
            } else if (r.status() == ConsentStatus.REVOKED) {
                safely(() -> listener.onOptOut(r));
            }
        }
    }

    private static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("consent listener failed; the write stands", e);
        }
    }
}
