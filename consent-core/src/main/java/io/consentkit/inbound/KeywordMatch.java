package io.consentkit.inbound;

import java.util.Objects;

/**
 * The result of {@link KeywordParser#parse(String, boolean)}: the intent and the keyword that
 * decided it. Immutable and thread-safe.
 *
 * @param intent       what the message asks for
 * @param keyword      the keyword matched, in its normalised form ({@code "STOP"}, {@code "OPT OUT"},
 *                     {@code "ARRÊT"}); empty for {@link Intent#NONE}
 * @param wholeMessage true if the keyword was the whole message (after normalisation), false if it
 *                     was found inside a longer reply ({@link KeywordParser.Mode#FCC_CONSERVATIVE})
 */
public record KeywordMatch(Intent intent, String keyword, boolean wholeMessage) {
    /** No keyword: an ordinary message. */
    public static final KeywordMatch NONE = new KeywordMatch(Intent.NONE, "", false);

    public KeywordMatch {
        Objects.requireNonNull(intent, "intent");
        Objects.requireNonNull(keyword, "keyword");
        if ((intent == Intent.NONE) != keyword.isEmpty()) {
            throw new IllegalArgumentException("keyword must be empty exactly when the intent is NONE");
        }
    }
}
