package io.consentkit.inbound;

import io.consentkit.InvalidInputException;
import io.consentkit.inbound.internal.Words;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an inbound text as an {@link Intent}: opt-out, opt-in, help, a Y/N answer, or nothing.
 *
 * <h2>Normalisation</h2>
 * Before matching, a message is reduced to its words: Unicode NFKC (so full-width {@code ＳＴＯＰ}
 * is {@code STOP}), upper case ({@link Locale#ROOT}), apostrophes inside words dropped ({@code don't}
 * is {@code DONT}), and every run of characters that are neither letters nor digits (white space,
 * punctuation, symbols, emoji) treated as one separator. {@code "Stop."}, {@code "stop!!"},
 * {@code " STOP "} and {@code "opt-out"} therefore read as {@code STOP}, {@code STOP}, {@code STOP}
 * and {@code OPT OUT}. Keywords are normalised the same way when configured. Accents are kept:
 * {@code ARRET} and {@code ARRÊT} are two keywords (the shipped sets list both).
 *
 * <h2>Modes</h2>
 * <ul>
 * <li>{@link Mode#STRICT}: only a whole message that is a keyword counts, as Twilio matches
 * ({@code "STOP"} yes, {@code "STOP PLEASE"} no), with the two-word FCC phrases added.</li>
 * <li>{@link Mode#FCC_CONSERVATIVE} (default): as strict, and a <em>short</em> reply (at most
 * {@link #maxWords()} words, default {@value #DEFAULT_MAX_WORDS}) that contains a revocation word as
 * a whole word is an opt-out: {@code "Please stop texting me"}, {@code "unsubscribe me"}. Words that
 * merely contain the letters never count ({@code "Stopwatch"}, {@code "endless"}, {@code "backend"}),
 * and a revocation word right after an obvious negation does not count ({@code "don't stop"},
 * {@code "did not unsubscribe"}). The FCC (24-24) lets consumers revoke by any reasonable means and
 * names stop, quit, end, revoke, opt out, cancel and unsubscribe; missing a revocation is the costly
 * error, so this mode errs towards opt-out: {@code "Cancel my appointment"} is an opt-out here. Remove
 * a word ({@link Builder#remove(String...)}) if that does not suit your traffic.</li>
 * </ul>
 *
 * <h2>Order and the YES clash</h2>
 * Whole-message opt-out wins over everything, then help; then, only when the caller says a
 * confirmation is pending for the number, the Y/N answers; then opt-in; then (FCC mode) revocation
 * words inside a short reply. So {@code YES} is {@link Intent#CONFIRM_YES} while a confirmation is
 * pending and {@link Intent#OPT_IN} otherwise, and {@code N}/{@code NO} mean nothing without one.
 *
 * <p>Parsing does no regular-expression work and allocates little: keywords are precomputed into hash
 * maps, and a message longer than any keyword and than {@link #maxWords()} is rejected after reading
 * that many words. Immutable and thread-safe; build with {@link #builder()} or take
 * {@link #defaults()}.
 *
 * <pre>{@code
 * KeywordParser parser = KeywordParser.builder().add(KeywordSet.SPANISH).build();
 * parser.parse("Please stop texting me").intent();   // OPT_OUT
 * parser.parse("YES", true).intent();                 // CONFIRM_YES
 * }</pre>
 */
public final class KeywordParser {

    /** How much of a message may hold a keyword. */
    public enum Mode {
        /** Whole-message keywords only, like Twilio's own STOP handling. */
        STRICT,
        /** Whole-message keywords, plus revocation words inside a short reply count as opt-out. */
        FCC_CONSERVATIVE
    }

    /** Default for {@link #maxWords()}: replies of up to this many words are searched for revocation words. */
    public static final int DEFAULT_MAX_WORDS = 8;
    /** Most words a configured keyword may have. */
    public static final int MAX_KEYWORD_WORDS = 5;
    /** Longest message (in characters, after trimming) that is looked at; longer ones are {@link Intent#NONE}. */
    public static final int MAX_SCANNED_LENGTH = Words.MAX_SCANNED_LENGTH;

    /**
     * The opt-out keywords Twilio itself acts on (block-list and auto-reply) on long codes and toll-free:
     * {@link KeywordSet#TWILIO_DEFAULTS}{@code .optOut()}.
     */
    public static final Set<String> TWILIO_OPT_OUT = KeywordSet.TWILIO_DEFAULTS.optOut();
    /** The opt-in keywords Twilio itself acts on: {@link KeywordSet#TWILIO_DEFAULTS}{@code .optIn()}. */
    public static final Set<String> TWILIO_OPT_IN = KeywordSet.TWILIO_DEFAULTS.optIn();
    /** The help keywords Twilio itself answers: {@link KeywordSet#TWILIO_DEFAULTS}{@code .help()}. */
    public static final Set<String> TWILIO_HELP = KeywordSet.TWILIO_DEFAULTS.help();

    private static final KeywordParser DEFAULTS = builder().build();

    private final KeywordSettings settings;
    private final Mode mode;
    private final int maxWords;
    private final Map<String, Intent> whole;
    private final Map<String, Intent> confirm;
    private final Set<String> revocation;
    private final Set<String> negations;
    private final int maxRevocationWords;
    private final Set<String> phraseHeads;
    private final int tokenLimit;

    private KeywordParser(KeywordSettings s) {
        this.settings = s;
        this.mode = s.mode();
        this.maxWords = s.maxWords();
        this.revocation = s.revocation();
        this.negations = s.negations();
        Map<String, Intent> w = new HashMap<>();
        s.optOut().forEach(k -> w.put(k, Intent.OPT_OUT));
        s.optIn().forEach(k -> w.put(k, Intent.OPT_IN));
        s.help().forEach(k -> w.put(k, Intent.HELP));
        this.whole = Map.copyOf(w);
        Map<String, Intent> c = new HashMap<>();
        s.confirmYes().forEach(k -> c.put(k, Intent.CONFIRM_YES));
        s.confirmNo().forEach(k -> c.put(k, Intent.CONFIRM_NO));
        this.confirm = Map.copyOf(c);
        int wholeWords = 1;
        for (String k : w.keySet()) {
            wholeWords = Math.max(wholeWords, Words.countIn(k));
        }
        for (String k : c.keySet()) {
            wholeWords = Math.max(wholeWords, Words.countIn(k));
        }
        int rev = 1;
        Set<String> heads = new HashSet<>();
        for (String k : revocation) {
            rev = Math.max(rev, Words.countIn(k));
            int space = k.indexOf(' ');
            if (space > 0) {
                heads.add(k.substring(0, space));
            }
        }
        this.maxRevocationWords = rev;
        this.phraseHeads = Set.copyOf(heads);
        this.tokenLimit = mode == Mode.FCC_CONSERVATIVE ? Math.max(wholeWords, maxWords) : wholeWords;
    }

    /** The default parser: English keywords, {@link Mode#FCC_CONSERVATIVE}, {@value #DEFAULT_MAX_WORDS} words. */
    public static KeywordParser defaults() {
        return DEFAULTS;
    }

    /** A builder starting from {@link KeywordSet#ENGLISH} in {@link Mode#FCC_CONSERVATIVE}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Parses a message when no confirmation is pending for its sender. */
    public KeywordMatch parse(String body) {
        return parse(body, false);
    }

    /**
     * Parses a message.
     *
     * @param body                the message text (null reads as empty)
     * @param confirmationPending whether a Y/N confirmation is pending for the sender: only then do Y/N
     *                            answers count as {@link Intent#CONFIRM_YES} / {@link Intent#CONFIRM_NO}
     */
    public KeywordMatch parse(String body, boolean confirmationPending) {
        Words words = Words.of(body, tokenLimit);
        if (words == null || words.count() == 0) {
            return KeywordMatch.NONE;
        }
        String key = words.text();
        Intent w = whole.get(key);
        if (w == Intent.OPT_OUT || w == Intent.HELP) {
            return new KeywordMatch(w, key, true);
        }
        if (confirmationPending) {
            Intent c = confirm.get(key);
            if (c != null) {
                return new KeywordMatch(c, key, true);
            }
        }
        if (w == Intent.OPT_IN) {
            return new KeywordMatch(w, key, true);
        }
        if (mode == Mode.FCC_CONSERVATIVE && words.count() <= maxWords) {
            return revocationIn(words, key);
        }
        return KeywordMatch.NONE;
    }

    /** FCC mode: the first revocation word or phrase not right after a negation, or no match. */
    private KeywordMatch revocationIn(Words words, String key) {
        int count = words.count();
        String previous = null;
        for (int i = 0; i < count; i++) {
            String word = count == 1 ? key : words.word(i);
            if (previous == null || !negations.contains(previous)) {
                if (revocation.contains(word)) {
                    return new KeywordMatch(Intent.OPT_OUT, word, false);
                }
                if (phraseHeads.contains(word)) {
                    for (int n = 2; n <= maxRevocationWords && i + n <= count; n++) {
                        String phrase = words.phrase(i, n);
                        if (revocation.contains(phrase)) {
                            return new KeywordMatch(Intent.OPT_OUT, phrase, false);
                        }
                    }
                }
            }
            previous = word;
        }
        return KeywordMatch.NONE;
    }

    /**
     * The normalised form of a message that whole-message keywords are compared with: its words,
     * upper case, NFKC, joined by single spaces ({@code " Stop!! "} gives {@code "STOP"},
     * {@code "ＯＰＴ－ｏｕｔ"} gives {@code "OPT OUT"}).
     */
    public static String normalize(String body) {
        return Words.normalize(body);
    }

    public Mode mode() {
        return mode;
    }

    /** Replies of at most this many words are searched for revocation words (FCC mode). */
    public int maxWords() {
        return maxWords;
    }

    /** Whole-message opt-out keywords, normalised, in the order added. */
    public Set<String> optOutKeywords() {
        return settings.optOut();
    }

    /** Whole-message opt-in keywords, normalised. */
    public Set<String> optInKeywords() {
        return settings.optIn();
    }

    /** Whole-message help keywords, normalised. */
    public Set<String> helpKeywords() {
        return settings.help();
    }

    /** Whole-message "yes" answers to a pending confirmation, normalised. */
    public Set<String> confirmYesKeywords() {
        return settings.confirmYes();
    }

    /** Whole-message "no" answers to a pending confirmation, normalised. */
    public Set<String> confirmNoKeywords() {
        return settings.confirmNo();
    }

    /** Words and phrases that make a short reply an opt-out (FCC mode), normalised. */
    public Set<String> revocationWords() {
        return revocation;
    }

    /** Words that, right before a revocation word, stop it counting. */
    public Set<String> negations() {
        return negations;
    }

    @Override
    public String toString() {
        return "KeywordParser[" + mode + ", maxWords=" + maxWords + ", " + whole.size() + " keywords, "
                + confirm.size() + " answers, " + revocation.size() + " revocation words]";
    }

    /**
     * Configures a {@link KeywordParser}. Starts from {@link KeywordSet#ENGLISH} in
     * {@link Mode#FCC_CONSERVATIVE}. Every method validates at once: a keyword with no letters or
     * digits, or one already in a conflicting class (e.g. adding {@code START} as an opt-out), throws
     * {@link InvalidInputException} naming the keyword; move a keyword by removing it first.
     * {@code STOP} cannot be removed. {@link #build()} freezes what was configured; the builder has
     * no getters. Not thread-safe.
     */
    public static final class Builder {
        private final KeywordDraft draft = new KeywordDraft();

        private Builder() {
            draft.add(KeywordSet.ENGLISH);
        }

        /** Strict (Twilio-like) or FCC-conservative matching. Default {@link Mode#FCC_CONSERVATIVE}. */
        public Builder mode(Mode mode) {
            draft.mode(mode);
            return this;
        }

        /** Replies of at most this many words (1 to 50) are searched for revocation words. Default {@value KeywordParser#DEFAULT_MAX_WORDS}. */
        public Builder maxWords(int maxWords) {
            draft.maxWords(maxWords);
            return this;
        }

        /** Adds every keyword of a language set (e.g. {@link KeywordSet#SPANISH}). */
        public Builder add(KeywordSet set) {
            draft.add(set);
            return this;
        }

        /** Adds whole-message opt-out keywords. */
        public Builder addOptOut(String... keywords) {
            draft.addOptOut(keywords);
            return this;
        }

        /** Adds whole-message opt-in keywords. */
        public Builder addOptIn(String... keywords) {
            draft.addOptIn(keywords);
            return this;
        }

        /** Adds whole-message help keywords. */
        public Builder addHelp(String... keywords) {
            draft.addHelp(keywords);
            return this;
        }

        /** Adds whole-message "yes" answers (may also be opt-in keywords, like {@code YES}). */
        public Builder addConfirmYes(String... keywords) {
            draft.addConfirmYes(keywords);
            return this;
        }

        /** Adds whole-message "no" answers. */
        public Builder addConfirmNo(String... keywords) {
            draft.addConfirmNo(keywords);
            return this;
        }

        /** Adds words or phrases that make a short reply an opt-out in {@link Mode#FCC_CONSERVATIVE}. */
        public Builder addRevocationWords(String... words) {
            draft.addRevocationWords(words);
            return this;
        }

        /** Adds single words that, right before a revocation word, stop it counting. */
        public Builder addNegations(String... words) {
            draft.addNegations(words);
            return this;
        }

        /**
         * Removes keywords from every class (opt-out, opt-in, help, answers, revocation words,
         * negations). Removing {@code STOP} is refused: it is an FCC per-se revocation word and
         * Twilio always honours it.
         */
        public Builder remove(String... keywords) {
            draft.remove(keywords);
            return this;
        }

        /** A parser with the keywords configured so far; later changes to this builder do not affect it. */
        public KeywordParser build() {
            return new KeywordParser(draft.settings());
        }
    }
}
