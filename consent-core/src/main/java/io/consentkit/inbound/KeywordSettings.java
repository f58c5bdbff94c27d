package io.consentkit.inbound;

import io.consentkit.InvalidInputException;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link KeywordParser.Builder} builds: the validated, immutable settings a
 * {@link KeywordParser} reads. Every keyword is normalised; the sets keep the order keywords were
 * added in and are unmodifiable copies.
 *
 * @param mode       strict or FCC-conservative matching
 * @param maxWords   replies of at most this many words are searched for revocation words (1 to 50)
 * @param optOut     whole-message opt-out keywords
 * @param optIn      whole-message opt-in keywords
 * @param help       whole-message help keywords
 * @param confirmYes whole-message "yes" answers
 * @param confirmNo  whole-message "no" answers
 * @param revocation words and phrases that make a short reply an opt-out (FCC mode)
 * @param negations  single words that, right before a revocation word, stop it counting
 */
record KeywordSettings(KeywordParser.Mode mode, int maxWords, Set<String> optOut, Set<String> optIn,
                       Set<String> help, Set<String> confirmYes, Set<String> confirmNo, Set<String> revocation,
                       Set<String> negations) {

    /** Fewest words {@link #maxWords} may be. */
    static final int MIN_MAX_WORDS = 1;
    /** Most words {@link #maxWords} may be. */
    static final int MAX_MAX_WORDS = 50;

    KeywordSettings {
        Objects.requireNonNull(mode, "mode");
        checkMaxWords(maxWords);
        optOut = frozen(optOut);
        optIn = frozen(optIn);
        help = frozen(help);
        confirmYes = frozen(confirmYes);
        confirmNo = frozen(confirmNo);
        revocation = frozen(revocation);
        negations = frozen(negations);
    }

    static int checkMaxWords(int maxWords) {
        if (maxWords < MIN_MAX_WORDS || maxWords > MAX_MAX_WORDS) {
            throw new InvalidInputException("maxWords", "must be between 1 and 50, got " + maxWords);
        }
        return maxWords;
    }

    private static Set<String> frozen(Set<String> s) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(s));
    }
}
