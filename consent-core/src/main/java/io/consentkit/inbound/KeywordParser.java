package io.consentkit.inbound;

import io.consentkit.InvalidInputException;

import java.text.Normalizer;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
    public static final int MAX_SCANNED_LENGTH = 4096;

    /** The opt-out keywords Twilio itself acts on (block-list and auto-reply) on long codes and toll-free. */
    public static final Set<String> TWILIO_OPT_OUT = Collections.unmodifiableSet(new LinkedHashSet<>(
            java.util.List.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT")));
    /** The opt-in keywords Twilio itself acts on. */
    public static final Set<String> TWILIO_OPT_IN = Collections.unmodifiableSet(new LinkedHashSet<>(
            java.util.List.of("START", "YES", "UNSTOP")));
    /** The help keywords Twilio itself answers. */
    public static final Set<String> TWILIO_HELP = Collections.unmodifiableSet(new LinkedHashSet<>(
            java.util.List.of("HELP", "INFO")));

    private static final KeywordParser DEFAULTS = builder().build();

    private final Mode mode;
    private final int maxWords;
    private final Map<String, Intent> whole;
    private final Map<String, Intent> confirm;
    private final Set<String> revocation;
    private final Set<String> negations;
    private final int maxRevocationWords;
    private final Set<String> phraseHeads;
    private final int tokenLimit;
    private final Set<String> optOut;
    private final Set<String> optIn;
    private final Set<String> help;
    private final Set<String> confirmYes;
    private final Set<String> confirmNo;

    private KeywordParser(Builder b) {
        this.mode = b.mode;
        this.maxWords = b.maxWords;
        this.optOut = frozen(b.optOut);
        this.optIn = frozen(b.optIn);
        this.help = frozen(b.help);
        this.confirmYes = frozen(b.confirmYes);
        this.confirmNo = frozen(b.confirmNo);
        this.revocation = frozen(b.revocation);
        this.negations = frozen(b.negations);
        Map<String, Intent> w = new HashMap<>();
        optOut.forEach(k -> w.put(k, Intent.OPT_OUT));
        optIn.forEach(k -> w.put(k, Intent.OPT_IN));
        help.forEach(k -> w.put(k, Intent.HELP));
        this.whole = Map.copyOf(w);
        Map<String, Intent> c = new HashMap<>();
        confirmYes.forEach(k -> c.put(k, Intent.CONFIRM_YES));
        confirmNo.forEach(k -> c.put(k, Intent.CONFIRM_NO));
        this.confirm = Map.copyOf(c);
        int wholeWords = 1;
        for (String k : w.keySet()) {
            wholeWords = Math.max(wholeWords, words(k));
        }
        for (String k : c.keySet()) {
            wholeWords = Math.max(wholeWords, words(k));
        }
        int rev = 1;
        Set<String> heads = new java.util.HashSet<>();
        for (String k : revocation) {
            rev = Math.max(rev, words(k));
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
        if (words == null || words.count == 0) {
            return KeywordMatch.NONE;
        }
        String key = words.text;
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
        if (mode == Mode.FCC_CONSERVATIVE && words.count <= maxWords) {
            String previous = null;
            for (int i = 0; i < words.count; i++) {
                String word = words.count == 1 ? key : words.word(i);
                if (previous == null || !negations.contains(previous)) {
                    if (revocation.contains(word)) {
                        return new KeywordMatch(Intent.OPT_OUT, word, false);
                    }
                    if (phraseHeads.contains(word)) {
                        for (int n = 2; n <= maxRevocationWords && i + n <= words.count; n++) {
                            String phrase = words.phrase(i, n);
                            if (revocation.contains(phrase)) {
                                return new KeywordMatch(Intent.OPT_OUT, phrase, false);
                            }
                        }
                    }
                }
                previous = word;
            }
        }
        return KeywordMatch.NONE;
    }

    /**
     * The normalised form of a message that whole-message keywords are compared with: its words,
     * upper case, NFKC, joined by single spaces ({@code " Stop!! "} gives {@code "STOP"},
     * {@code "ＯＰＴ－ｏｕｔ"} gives {@code "OPT OUT"}).
     */
    public static String normalize(String body) {
        Words w = Words.of(body, Integer.MAX_VALUE);
        return w == null ? "" : w.text;
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
        return optOut;
    }

    /** Whole-message opt-in keywords, normalised. */
    public Set<String> optInKeywords() {
        return optIn;
    }

    /** Whole-message help keywords, normalised. */
    public Set<String> helpKeywords() {
        return help;
    }

    /** Whole-message "yes" answers to a pending confirmation, normalised. */
    public Set<String> confirmYesKeywords() {
        return confirmYes;
    }

    /** Whole-message "no" answers to a pending confirmation, normalised. */
    public Set<String> confirmNoKeywords() {
        return confirmNo;
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

    private static int words(String normalised) {
        int n = 1;
        for (int i = 0; i < normalised.length(); i++) {
            if (normalised.charAt(i) == ' ') {
                n++;
            }
        }
        return n;
    }

    private static Set<String> frozen(Set<String> s) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(s));
    }

    /** A message reduced to its words: upper case, NFKC, separated by single spaces. */
    private static final class Words {
        final String text;
        final int count;
        final int[] starts;
        final int[] ends;

        private Words(String text, int count, int[] starts, int[] ends) {
            this.text = text;
            this.count = count;
            this.starts = starts;
            this.ends = ends;
        }

        String word(int i) {
            return text.substring(starts[i], ends[i]);
        }

        String phrase(int first, int n) {
            return text.substring(starts[first], ends[first + n - 1]);
        }

        /** Null if the message has more than {@code limit} words or is too long to look at. */
        static Words of(String body, int limit) {
            if (body == null) {
                return new Words("", 0, new int[0], new int[0]);
            }
            String s = body.strip();
            if (s.length() > MAX_SCANNED_LENGTH) {
                return null;
            }
            boolean ascii = true;
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 0x80) {
                    ascii = false;
                    break;
                }
            }
            if (!ascii) {
                s = Normalizer.normalize(s, Normalizer.Form.NFKC);
            }
            int cap = Math.min(limit, 16);
            int[] starts = new int[cap];
            int[] ends = new int[cap];
            StringBuilder sb = new StringBuilder(s.length());
            int count = 0;
            boolean inWord = false;
            int i = 0;
            while (i < s.length()) {
                int cp = s.codePointAt(i);
                int len = Character.charCount(cp);
                if (isWordChar(cp)) {
                    if (!inWord) {
                        if (count == limit) {
                            return null;
                        }
                        if (count == starts.length) {
                            starts = java.util.Arrays.copyOf(starts, count * 2);
                            ends = java.util.Arrays.copyOf(ends, count * 2);
                        }
                        if (count > 0) {
                            sb.append(' ');
                        }
                        starts[count] = sb.length();
                        inWord = true;
                    }
                    if (ascii) {
                        char c = (char) cp;
                        sb.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
                    } else {
                        sb.append(s, i, i + len);
                    }
                } else if (inWord && isApostrophe(cp) && i + len < s.length() && isWordChar(s.codePointAt(i + len))) {
                    // inside a word: "don't" reads as DONT
                    i += len;
                    continue;
                } else if (inWord) {
                    ends[count] = sb.length();
                    count++;
                    inWord = false;
                }
                i += len;
            }
            if (inWord) {
                ends[count] = sb.length();
                count++;
            }
            String text = sb.toString();
            if (!ascii) {
                // Upper-casing may change lengths (ß -> SS): recompute the boundaries on the result.
                text = text.toUpperCase(Locale.ROOT);
                int w = 0;
                int start = 0;
                for (int j = 0; j <= text.length(); j++) {
                    if (j == text.length() || text.charAt(j) == ' ') {
                        starts[w] = start;
                        ends[w] = j;
                        w++;
                        start = j + 1;
                    }
                }
                if (text.isEmpty()) {
                    count = 0;
                }
            }
            return new Words(text, count, starts, ends);
        }

        private static boolean isWordChar(int cp) {
            if (cp < 0x80) {
                return cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z' || cp >= '0' && cp <= '9';
            }
            if (Character.isLetterOrDigit(cp)) {
                return true;
            }
            int t = Character.getType(cp);
            return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK
                    || t == Character.ENCLOSING_MARK;
        }

        private static boolean isApostrophe(int cp) {
            return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
        }
    }

    /**
     * Configures a {@link KeywordParser}. Starts from {@link KeywordSet#ENGLISH} in
     * {@link Mode#FCC_CONSERVATIVE}. Every method validates at once: a keyword with no letters or
     * digits, or one already in a conflicting class (e.g. adding {@code START} as an opt-out), throws
     * {@link InvalidInputException} naming the keyword; move a keyword by removing it first.
     * {@code STOP} cannot be removed. Not thread-safe.
     */
    public static final class Builder {
        private Mode mode = Mode.FCC_CONSERVATIVE;
        private int maxWords = DEFAULT_MAX_WORDS;
        private final LinkedHashSet<String> optOut = new LinkedHashSet<>();
        private final LinkedHashSet<String> optIn = new LinkedHashSet<>();
        private final LinkedHashSet<String> help = new LinkedHashSet<>();
        private final LinkedHashSet<String> confirmYes = new LinkedHashSet<>();
        private final LinkedHashSet<String> confirmNo = new LinkedHashSet<>();
        private final LinkedHashSet<String> revocation = new LinkedHashSet<>();
        private final LinkedHashSet<String> negations = new LinkedHashSet<>();

        private Builder() {
            add(KeywordSet.ENGLISH);
        }

        /** Strict (Twilio-like) or FCC-conservative matching. Default {@link Mode#FCC_CONSERVATIVE}. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Replies of at most this many words (1 to 50) are searched for revocation words. Default {@value KeywordParser#DEFAULT_MAX_WORDS}. */
        public Builder maxWords(int maxWords) {
            if (maxWords < 1 || maxWords > 50) {
                throw new InvalidInputException("maxWords", "must be between 1 and 50, got " + maxWords);
            }
            this.maxWords = maxWords;
            return this;
        }

        /** Adds every keyword of a language set (e.g. {@link KeywordSet#SPANISH}). */
        public Builder add(KeywordSet set) {
            Objects.requireNonNull(set, "set");
            addOptOut(set.optOut().toArray(String[]::new));
            addOptIn(set.optIn().toArray(String[]::new));
            addHelp(set.help().toArray(String[]::new));
            addConfirmYes(set.confirmYes().toArray(String[]::new));
            addConfirmNo(set.confirmNo().toArray(String[]::new));
            addRevocationWords(set.revocationWords().toArray(String[]::new));
            addNegations(set.negations().toArray(String[]::new));
            return this;
        }

        /** Adds whole-message opt-out keywords. */
        public Builder addOptOut(String... keywords) {
            for (String k : keywords) {
                String n = key(k);
                reject(n, optIn, "an opt-in keyword");
                reject(n, help, "a help keyword");
                reject(n, confirmYes, "a confirm-yes answer");
                reject(n, confirmNo, "a confirm-no answer");
                optOut.add(n);
            }
            return this;
        }

        /** Adds whole-message opt-in keywords. */
        public Builder addOptIn(String... keywords) {
            for (String k : keywords) {
                String n = key(k);
                reject(n, optOut, "an opt-out keyword");
                reject(n, help, "a help keyword");
                reject(n, confirmNo, "a confirm-no answer");
                optIn.add(n);
            }
            return this;
        }

        /** Adds whole-message help keywords. */
        public Builder addHelp(String... keywords) {
            for (String k : keywords) {
                String n = key(k);
                reject(n, optOut, "an opt-out keyword");
                reject(n, optIn, "an opt-in keyword");
                reject(n, confirmYes, "a confirm-yes answer");
                reject(n, confirmNo, "a confirm-no answer");
                help.add(n);
            }
            return this;
        }

        /** Adds whole-message "yes" answers (may also be opt-in keywords, like {@code YES}). */
        public Builder addConfirmYes(String... keywords) {
            for (String k : keywords) {
                String n = key(k);
                reject(n, optOut, "an opt-out keyword");
                reject(n, help, "a help keyword");
                reject(n, confirmNo, "a confirm-no answer");
                confirmYes.add(n);
            }
            return this;
        }

        /** Adds whole-message "no" answers. */
        public Builder addConfirmNo(String... keywords) {
            for (String k : keywords) {
                String n = key(k);
                reject(n, optOut, "an opt-out keyword");
                reject(n, optIn, "an opt-in keyword");
                reject(n, help, "a help keyword");
                reject(n, confirmYes, "a confirm-yes answer");
                confirmNo.add(n);
            }
            return this;
        }

        /** Adds words or phrases that make a short reply an opt-out in {@link Mode#FCC_CONSERVATIVE}. */
        public Builder addRevocationWords(String... words) {
            for (String k : words) {
                revocation.add(key(k));
            }
            return this;
        }

        /** Adds single words that, right before a revocation word, stop it counting. */
        public Builder addNegations(String... words) {
            for (String k : words) {
                String n = key(k);
                if (n.indexOf(' ') >= 0) {
                    throw new InvalidInputException("negation", "'" + k + "' must be a single word");
                }
                negations.add(n);
            }
            return this;
        }

        /**
         * Removes keywords from every class (opt-out, opt-in, help, answers, revocation words,
         * negations). Removing {@code STOP} is refused: it is an FCC per-se revocation word and
         * Twilio always honours it.
         */
        public Builder remove(String... keywords) {
            for (String k : keywords) {
                String n = key(k);
                if (n.equals("STOP")) {
                    throw new InvalidInputException("keyword",
                            "STOP cannot be removed: it is an FCC per-se revocation word and Twilio always honours it");
                }
                optOut.remove(n);
                optIn.remove(n);
                help.remove(n);
                confirmYes.remove(n);
                confirmNo.remove(n);
                revocation.remove(n);
                negations.remove(n);
            }
            return this;
        }

        public KeywordParser build() {
            return new KeywordParser(this);
        }

        private static String key(String keyword) {
            if (keyword == null) {
                throw new InvalidInputException("keyword", "is null");
            }
            String n = normalize(keyword);
            if (n.isEmpty()) {
                throw new InvalidInputException("keyword", "'" + keyword + "' has no letters or digits");
            }
            if (words(n) > MAX_KEYWORD_WORDS) {
                throw new InvalidInputException("keyword", "'" + keyword + "' has more than " + MAX_KEYWORD_WORDS + " words");
            }
            return n;
        }

        private static void reject(String keyword, Set<String> other, String what) {
            if (other.contains(keyword)) {
                throw new InvalidInputException("keyword", "'" + keyword + "' is already " + what + "; remove it first");
            }
        }
    }
}
