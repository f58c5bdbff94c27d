package io.consentkit.web.console;

import io.consentkit.phone.PhoneNumber;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Opaque references to numbers for the console's URLs and forms, so that no full number appears in a
 * URL, an access log or a page's source: a search mints a random reference, pages link to it, and it
 * expires after {@link #TIME_TO_LIVE} (the operator searches again). At most {@link #MAX} are kept (the
 * least recently used go first). Thread-safe.
 */
final class NumberRefs {
    static final Duration TIME_TO_LIVE = Duration.ofHours(1);
    static final int MAX = 20_000;

    private record Ref(PhoneNumber phone, Instant expires) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Ref> refs = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Ref> eldest) {
            return size() > MAX;
        }
    };

    NumberRefs(Clock clock) {
        this.clock = clock;
    }

    /** A new reference to {@code phone}. */
    String mint(PhoneNumber phone) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        String ref = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        synchronized (refs) {
            refs.put(ref, new Ref(phone, clock.instant().plus(TIME_TO_LIVE)));
        }
        return ref;
    }

    /** The number {@code ref} stands for, unless it is unknown or expired. */
    Optional<PhoneNumber> resolve(String ref) {
        synchronized (refs) {
            Ref r = refs.get(ref);
            if (r == null) {
                return Optional.empty();
            }
            if (!clock.instant().isBefore(r.expires())) {
                refs.remove(ref);
                return Optional.empty();
            }
            return Optional.of(r.phone());
        }
    }
}
