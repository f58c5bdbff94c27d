package io.consentkit.inbound;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Program;
import io.consentkit.consent.RevocationScope;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.phone.PhoneNumber;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The optional question in the one confirmation allowed after an opt-out (47 CFR 64.1200(a)(12): it
 * may ask which categories the opt-out covers): "To keep some of these texts, reply within 5 minutes:
 * 1 alerts, 2 marketing". {@link #offer} builds it before the revocation, for the programs in scope the
 * number had active; it is written with the revocation, as the revoked rows' evidence
 * {@code revoke_keep_menu} ({@code 1=alerts,2=marketing}) and {@code revoke_keep_question}.
 * {@link #answer} reads it back from the number's newest journal rows: so the window is kept in the
 * journal, survives a restart and needs no memory of its own. A reply is an answer only if the number's
 * newest revocation carries a menu and was made at most {@link #WINDOW} before now on the tracker's
 * clock; after that the same text is an ordinary message. Stateless; thread-safe.
 */
final class KeepMenu {
    /** How long after the opt-out a reply to the question is understood. */
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** Evidence keys on the revoked rows (the tracker prefixes {@code revoke_}). */
    static final String MENU_KEY = "keep_menu";
    static final String QUESTION_KEY = "keep_question";
    /** How many of the number's newest rows are searched for the revocation. */
    private static final int NEWEST_ROWS = 64;

    /** The question asked and the programs offered, by their number (1 first). */
    record Offer(List<Program> programs, String question) {
        String encoded() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < programs.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(i + 1).append('=').append(programs.get(i).name());
            }
            return sb.toString();
        }
    }

    /** What an answer re-opts in: the programs, the question it answered. */
    record Answer(List<Program> programs, String question) {
    }

    private KeepMenu() {
    }

    /**
     * The question for a revocation of {@code scope}: the number's active programs in scope, if there are
     * at least two (with one there is nothing to ask); empty otherwise.
     */
    static Optional<Offer> offer(ConsentTracker tracker, PhoneNumber from, RevocationScope scope) {
        List<Program> offered = new ArrayList<>();
        for (Program p : tracker.programs().all()) {
            if (scope.covers(p.name(), p.brand()) && tracker.isActive(from, p.name())) {
                offered.add(p);
            }
        }
        if (offered.size() < 2) {
            return Optional.empty();
        }
        StringBuilder q = new StringBuilder("To keep some of these texts, reply within 5 minutes:");
        for (int i = 0; i < offered.size(); i++) {
            q.append(i == 0 ? " " : ", ").append(i + 1).append(' ').append(offered.get(i).name());
        }
        return Optional.of(new Offer(List.copyOf(offered), q.append('.').toString()));
    }

    /**
     * The programs {@code body} asks to keep, if the number's newest revocation asked and was made at most
     * {@link #WINDOW} before {@code now}; empty if the body is no answer ("keep alerts", "alerts", "1",
     * "keep 1 2", "1, 2" are; anything with another word is not), the window is closed, or every program
     * it names is active already.
     */
    static Optional<Answer> answer(ConsentTracker tracker, PhoneNumber from, String body, Instant now) {
        List<String> tokens = tokens(body);
        if (tokens.isEmpty()) {
            return Optional.empty();
        }
        ConsentRecord revocation = newestRevocation(tracker.history(from, NEWEST_ROWS));
        if (revocation == null) {
            return Optional.empty();
        }
        Map<String, String> meta = revocation.metadata();
        String menu = meta.get("revoke_" + MENU_KEY);
        if (menu == null || revocation.revokedAt().plus(WINDOW).isBefore(now)) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        for (String entry : menu.split(",")) {
            names.add(entry.substring(entry.indexOf('=') + 1));
        }
        Set<Program> chosen = new LinkedHashSet<>();
        for (String t : tokens) {
            int i = t.chars().allMatch(Character::isDigit) && t.length() <= 2 ? Integer.parseInt(t) - 1
                    : names.indexOf(t.toLowerCase(Locale.ROOT));
            if (i < 0 || i >= names.size()) {
                return Optional.empty();
            }
            Optional<Program> p = tracker.programs().find(names.get(i));
            if (p.isEmpty()) {
                return Optional.empty();
            }
            chosen.add(p.get());
        }
        chosen.removeIf(p -> tracker.isActive(from, p.name())); // kept already: a repeated answer changes nothing
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Answer(List.copyOf(chosen), meta.getOrDefault("revoke_" + QUESTION_KEY, "")));
    }

    /** The body's words, a leading KEEP dropped; commas and full stops separate too. */
    private static List<String> tokens(String body) {
        List<String> out = new ArrayList<>();
        for (String w : body.strip().split("[\\s,.;!]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        if (!out.isEmpty() && out.get(0).equalsIgnoreCase("keep")) {
            out.remove(0);
        }
        return out.size() > 16 ? List.of() : out;
    }

    /** The newest row that records a revocation, or null. */
    private static ConsentRecord newestRevocation(List<ConsentRecord> oldestFirst) {
        for (int i = oldestFirst.size() - 1; i >= 0; i--) {
            ConsentRecord r = oldestFirst.get(i);
            if (r.revokedAt() != null) {
                return r;
            }
        }
        return null;
    }
}
