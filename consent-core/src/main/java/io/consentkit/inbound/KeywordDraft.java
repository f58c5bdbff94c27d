package io.consentkit.inbound;

import io.consentkit.support.Masking;
import io.consentkit.InvalidInputException;
import io.consentkit.inbound.internal.Words;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The keyword sets a {@link KeywordParser.Builder} is filling, with the builder's rules: keywords
 * are normalised and checked on the way in, a keyword may sit in only one whole-message class
 * (except that a "yes" answer may also be an opt-in keyword), and {@code STOP} cannot be removed.
 * {@link #settings()} freezes a copy. Not thread-safe.
 */
final class KeywordDraft {
    private static final int OPT_OUT = 0;
    private static final int OPT_IN = 1;
    private static final int HELP = 2;
    private static final int CONFIRM_YES = 3;
    private static final int CONFIRM_NO = 4;
    /** The whole-message classes, as named in conflict messages, in the order they are checked. */
    private static final String[] CLASS_NAMES = {"an opt-out keyword", "an opt-in keyword", "a help keyword",
            "a confirm-yes answer", "a confirm-no answer"};

    private KeywordParser.Mode mode = KeywordParser.Mode.FCC_CONSERVATIVE;
    private int maxWords = KeywordParser.DEFAULT_MAX_WORDS;
    @SuppressWarnings("unchecked")
    private final LinkedHashSet<String>[] whole = new LinkedHashSet[CLASS_NAMES.length];
    private final LinkedHashSet<String> revocation = new LinkedHashSet<>();
    private final LinkedHashSet<String> negations = new LinkedHashSet<>();

    KeywordDraft() {
        for (int i = 0; i < whole.length; i++) {
            whole[i] = new LinkedHashSet<>();
        }
    }

    void mode(KeywordParser.Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    void maxWords(int maxWords) {
        this.maxWords = KeywordSettings.checkMaxWords(maxWords);
    }

    void add(KeywordSet set) {
        Objects.requireNonNull(set, "set");
        addOptOut(set.optOut().toArray(String[]::new));
        addOptIn(set.optIn().toArray(String[]::new));
        addHelp(set.help().toArray(String[]::new));
        addConfirmYes(set.confirmYes().toArray(String[]::new));
        addConfirmNo(set.confirmNo().toArray(String[]::new));
        addRevocationWords(set.revocationWords().toArray(String[]::new));
        addNegations(set.negations().toArray(String[]::new));
    }

    void addOptOut(String... keywords) {
        addWhole(OPT_OUT, keywords);
    }

    void addOptIn(String... keywords) {
        addWhole(OPT_IN, keywords);
    }

    void addHelp(String... keywords) {
        addWhole(HELP, keywords);
    }

    void addConfirmYes(String... keywords) {
        addWhole(CONFIRM_YES, keywords);
    }

    void addConfirmNo(String... keywords) {
        addWhole(CONFIRM_NO, keywords);
    }

    void addRevocationWords(String... words) {
        for (String k : words) {
            revocation.add(key(k));
        }
    }

    void addNegations(String... words) {
        for (String k : words) {
            String n = key(k);
            if (n.indexOf(' ') >= 0) {
                throw new InvalidInputException("negation", "'" + Masking.printable(k) + "' must be a single word");
            }
            negations.add(n);
        }
    }

    void remove(String... keywords) {
        for (String k : keywords) {
            String n = key(k);
            if (n.equals("STOP")) {
                throw new InvalidInputException("keyword",
                        "STOP cannot be removed: it is an FCC per-se revocation word and Twilio always honours it");
            }
            for (Set<String> s : whole) {
                s.remove(n);
            }
            revocation.remove(n);
            negations.remove(n);
        }
    }

    KeywordSettings settings() {
        return new KeywordSettings(mode, maxWords, whole[OPT_OUT], whole[OPT_IN], whole[HELP], whole[CONFIRM_YES],
                whole[CONFIRM_NO], revocation, negations);
    }

    private void addWhole(int target, String... keywords) {
        for (String k : keywords) {
            String n = key(k);
            for (int other = 0; other < whole.length; other++) {
                if (other != target && !mayShare(target, other) && whole[other].contains(n)) {
                    throw new InvalidInputException("keyword", "'" + Masking.printable(n) + "' is already " + CLASS_NAMES[other]
                            + "; remove it first");
                }
            }
            whole[target].add(n);
        }
    }

    /** A "yes" answer may also be an opt-in keyword ({@code YES} is both). */
    private static boolean mayShare(int a, int b) {
        return a == OPT_IN && b == CONFIRM_YES || a == CONFIRM_YES && b == OPT_IN;
    }

    private static String key(String keyword) {
        if (keyword == null) {
            throw new InvalidInputException("keyword", "is null");
        }
        String n = Words.normalize(keyword);
        if (n.isEmpty()) {
            throw new InvalidInputException("keyword", "'" + Masking.printable(keyword) + "' has no letters or digits");
        }
        if (Words.countIn(n) > KeywordParser.MAX_KEYWORD_WORDS) {
            throw new InvalidInputException("keyword", "'" + Masking.printable(keyword) + "' has more than "
                    + KeywordParser.MAX_KEYWORD_WORDS + " words");
        }
        return n;
    }
}
