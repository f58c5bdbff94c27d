package io.consentkit.spring.boot;

import io.consentkit.send.SendLog;

/**
 * Wraps the app's {@link SendLog} bean before the starter's {@code GuardedSender} writes to it (the console's
 * counters write through to it this way). Beans of this type are applied in bean order. Implementations are
 * thread-safe.
 */
interface SendLogWrapper {
    /** The log the sender writes to instead of {@code log}; it must write through to {@code log}. */
    SendLog wrap(SendLog log);
}
