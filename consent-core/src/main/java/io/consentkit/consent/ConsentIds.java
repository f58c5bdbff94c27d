package io.consentkit.consent;

import io.consentkit.phone.PhoneNumber;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Mints consent ids: 16 hex digits of a SHA-256 over the number, the time, a per-tracker random seed
 * and a counter, retried until {@code taken} says the id is free. The one id source of a tracker
 * (flows such as Y/N confirmations get theirs through {@link ConsentTracker#newConsentId}). Thread-safe.
 */
final class ConsentIds {
    private final long seed = new SecureRandom().nextLong();
    private final AtomicLong counter = new AtomicLong();
    private final Predicate<String> taken;

    ConsentIds(Predicate<String> taken) {
        this.taken = taken;
    }

    /** A fresh id for a row of {@code phone} at {@code ts}. */
    String next(PhoneNumber phone, Instant ts) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        while (true) {
            String material = phone.e164() + "|" + ts + "|" + seed + "|" + counter.incrementAndGet();
            String id = HexFormat.of().formatHex(sha.digest(material.getBytes(StandardCharsets.UTF_8)), 0, 8);
            if (!taken.test(id)) {
                return id;
            }
        }
    }

    /** A tag for temporary file names, different per tracker and call time. */
    String tempTag(long millis) {
        return Long.toHexString(seed ^ millis);
    }
}
