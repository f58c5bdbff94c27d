package io.consentkit.web;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's sessions, server side: a random id per login, kept in a table with its operator, its
 * CSRF token, its absolute expiry and its last use. The cookie value is {@code <id>.<expiry>.<mac>} with
 * an HMAC-SHA256 over id and expiry under a key drawn at start, so a forged or altered cookie is refused
 * before the table is read; a restart ends every session. Thread-safe.
 */
final class SessionTable {
    /** One live session. */
    record Session(String id, Operator operator, String csrf, Instant expires, Instant lastSeen) {
    }

    static final int MAX_SESSIONS = 1_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final byte[] key = new byte[32];
    private final Clock clock;
    private final Duration ttl;
    private final Duration idle;

    SessionTable(Clock clock, Duration ttl, Duration idle) {
        this.clock = clock;
        this.ttl = ttl;
        this.idle = idle;
        RANDOM.nextBytes(key);
    }

    static String randomToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }

    /** Opens a session for {@code operator}; returns the cookie value. */
    String open(Operator operator) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> !live(s, now));
            if (sessions.size() >= MAX_SESSIONS) {
                sessions.values().stream().min(Comparator.comparing(Session::lastSeen))
                        .ifPresent(s -> sessions.remove(s.id()));
            }
        }
        String id = randomToken();
        Instant expires = now.plus(ttl);
        sessions.put(id, new Session(id, operator, randomToken(), expires, now));
        String signed = id + "." + expires.getEpochSecond();
        return signed + "." + mac(signed);
    }

    /** The live session the cookie value names (and marks it used), or null. */
    Session find(String cookie) {
        if (cookie == null || cookie.length() > 200) {
            return null;
        }
        int second = cookie.lastIndexOf('.');
        int first = second < 0 ? -1 : cookie.lastIndexOf('.', second - 1);
        if (first <= 0) {
            return null;
        }
        String signed = cookie.substring(0, second);
        if (!MessageDigest.isEqual(mac(signed).getBytes(StandardCharsets.US_ASCII),
                cookie.substring(second + 1).getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        Session s = sessions.get(cookie.substring(0, first));
        Instant now = clock.instant();
        if (s == null) {
            return null;
        }
        if (!live(s, now) || s.expires().getEpochSecond() != parse(cookie.substring(first + 1, second))) {
            sessions.remove(s.id(), s);
            return null;
        }
        Session touched = new Session(s.id(), s.operator(), s.csrf(), s.expires(), now);
        sessions.replace(s.id(), s, touched);
        return touched;
    }

    void close(Session s) {
        sessions.remove(s.id());
    }

    int size() {
        return sessions.size();
    }

    /** Seconds the cookie should live: the session's remaining absolute lifetime. */
    long maxAgeSeconds() {
        return ttl.toSeconds();
    }

    private boolean live(Session s, Instant now) {
        return now.isBefore(s.expires()) && now.isBefore(s.lastSeen().plus(idle));
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    private String mac(String text) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64.encodeToString(m.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }
}
