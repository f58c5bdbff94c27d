package io.consentkit.journal;

import io.consentkit.InvalidInputException;
import io.consentkit.support.Json;

import java.util.Map;

/**
 * The bounds on what enters the journal. Every row the tracker writes (recorded, revoked, appended or
 * imported) is checked with {@link #check} before it reaches the store, so no write acknowledged
 * through the API can make a journal unopenable: the field limits keep an encoded row under
 * {@link #MAX_ROW_BYTES}, which is strictly below the {@link #MAX_READ_ROW_BYTES} a reader accepts.
 * Readers are more lenient than writers on purpose: a journal written before these limits existed
 * still opens. A store of your own that is written without a tracker can call {@link #check} too.
 * Stateless and thread-safe.
 */
public final class JournalLimits {
    /** Longest {@code consent_message} written, in chars (a disclosure is a paragraph, not a book). */
    public static final int MAX_CONSENT_MESSAGE_CHARS = 65_536;
    /** Longest value of any other text column (names, emails, URLs, methods), in chars. */
    public static final int MAX_FIELD_CHARS = 8_192;
    /**
     * Longest {@code metadata} cell of a pending row: the JSON object's length in chars. Each later step
     * of a consent (confirmed, then ended) carries the metadata before it plus its own evidence, so each
     * may add as much again: a STOP or a confirmation is never refused because of the row it follows.
     */
    public static final int MAX_METADATA_CHARS = 262_144;
    /** Longest {@code metadata} cell of an active row, in chars (twice {@link #MAX_METADATA_CHARS}). */
    public static final int MAX_ACTIVE_METADATA_CHARS = 2 * MAX_METADATA_CHARS;
    /**
     * Longest {@code metadata} cell of a row that ends a consent (revoked, declined, expired), in chars
     * (three times {@link #MAX_METADATA_CHARS}).
     */
    public static final int MAX_FINAL_METADATA_CHARS = 3 * MAX_METADATA_CHARS;
    /** Deepest nesting of a {@code metadata} JSON value read (an object holding an array is depth 2). */
    public static final int MAX_METADATA_DEPTH = Json.MAX_DEPTH;
    /** Longest {@code program}, {@code brand} or {@code channel} value, in chars (short identifiers). */
    public static final int MAX_SCOPE_CHARS = 64;
    /** What a {@code program}, {@code brand} or {@code channel} value must be, for messages. */
    static final String SCOPE_RULE = "must be empty or at most " + MAX_SCOPE_CHARS
            + " chars of lower-case letters, digits, '_', '.' and '-'";
    /** Longest row written, in UTF-8 bytes with its CSV quoting (the field limits imply it). */
    public static final int MAX_ROW_BYTES = 4 << 20;
    /** Longest row a reader accepts, in bytes: larger than anything a writer may produce. */
    public static final int MAX_READ_ROW_BYTES = 16 << 20;

    private JournalLimits() {
    }

    /**
     * Throws if {@code r} is over a limit, or its {@code program}, {@code brand} or {@code channel} is
     * not a short identifier ({@link #isScopeName}).
     *
     * @throws InvalidInputException naming the field, its length and the limit (or the rule broken)
     */
    public static void check(ConsentRecord r) {
        if (r.consentId().length() > JournalCodec.MAX_ID_LENGTH) {
            throw tooLong("consent_id", r.consentId().length(), JournalCodec.MAX_ID_LENGTH, "chars");
        }
        field("opt_in_method", r.optInMethod());
        if (r.consentMessage().length() > MAX_CONSENT_MESSAGE_CHARS) {
            throw tooLong("consent_message", r.consentMessage().length(), MAX_CONSENT_MESSAGE_CHARS, "chars");
        }
        field("customer_id", r.customerId());
        field("customer_name", r.customerName());
        field("customer_email", r.customerEmail());
        field("ip_address", r.ipAddress());
        field("screenshot_url", r.screenshotUrl());
        field("revoked_method", r.revokedMethod());
        scope("program", r.program());
        scope("brand", r.brand());
        scope("channel", r.channel());
        int mdLimit = switch (r.status()) {
            case PENDING -> MAX_METADATA_CHARS;
            case ACTIVE -> MAX_ACTIVE_METADATA_CHARS;
            case REVOKED, DECLINED, EXPIRED -> MAX_FINAL_METADATA_CHARS;
        };
        long md = metadataChars(r.metadata(), mdLimit);
        if (md > mdLimit) {
            throw tooLong("metadata", md, mdLimit, "chars of JSON");
        }
        long chars = md + r.consentId().length() + r.optInMethod().length() + r.consentMessage().length()
                + r.customerId().length() + r.customerName().length() + r.customerEmail().length()
                + r.ipAddress().length() + r.screenshotUrl().length() + r.revokedMethod().length() + r.program().length()
                + r.brand().length() + r.channel().length() + 128;
        if (chars * 3 > MAX_ROW_BYTES) { // cannot happen within the field limits; kept as the row's own guard
            long bytes = JournalCodec.appendLine(new StringBuilder(), r, JournalCodec.identityMap(), false).toString()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > MAX_ROW_BYTES) {
                throw tooLong("row", bytes, MAX_ROW_BYTES, "bytes");
            }
        }
    }

    /**
     * True if {@code value} may be a {@code program}, {@code brand} or {@code channel}: empty (the
     * default), or at most {@link #MAX_SCOPE_CHARS} chars of {@code [a-z0-9_.-]}.
     */
    public static boolean isScopeName(String value) {
        if (value == null || value.length() > MAX_SCOPE_CHARS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static void scope(String name, String value) {
        if (!isScopeName(value)) {
            throw new InvalidInputException(name, "'" + io.consentkit.support.Masking.printable(value) + "' "
                    + SCOPE_RULE);
        }
    }

    private static void field(String name, String value) {
        if (value.length() > MAX_FIELD_CHARS) {
            throw tooLong(name, value.length(), MAX_FIELD_CHARS, "chars");
        }
    }

    /** The metadata cell's length: exact when it could be near the limit, a cheap upper bound otherwise. */
    private static long metadataChars(Map<String, String> metadata, int limit) {
        if (metadata.isEmpty()) {
            return 0;
        }
        long raw = 2;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            raw += e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length()) + 6;
        }
        if (raw * 6 <= limit) { // an escape is at most 6 chars per char
            return raw * 6;
        }
        return Json.object(metadata).length();
    }

    private static InvalidInputException tooLong(String field, long length, int limit, String unit) {
        return new InvalidInputException(field, "is " + length + " " + unit + ", over the limit of " + limit);
    }
}
