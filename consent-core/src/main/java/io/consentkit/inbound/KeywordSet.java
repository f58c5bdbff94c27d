package io.consentkit.inbound;

import io.consentkit.InvalidInputException;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One language's keywords, to add to a {@link KeywordParser} with
 * {@link KeywordParser.Builder#add(KeywordSet)}. {@link #ENGLISH} is always the starting point;
 * {@link #SPANISH} and {@link #FRENCH} are opt-in extras; {@link #TWILIO_DEFAULTS} lists what Twilio
 * itself acts on. Keywords are matched case-insensitively
 * after {@link KeywordParser#normalize(String) normalisation}; accents are significant, so sets list
 * both spellings where people type either ({@code ARRET}, {@code ARRÊT}). Immutable and thread-safe.
 *
 * @param name            a label, e.g. {@code "en"}
 * @param optOut          whole-message opt-out keywords
 * @param optIn           whole-message opt-in keywords
 * @param help            whole-message help keywords
 * @param confirmYes      whole-message "yes" answers, counted only while a confirmation is pending
 * @param confirmNo       whole-message "no" answers, counted only while a confirmation is pending
 * @param revocationWords words and phrases that make a short reply an opt-out wherever they appear
 *                        in it ({@link KeywordParser.Mode#FCC_CONSERVATIVE})
 * @param negations       words that, right before a revocation word, stop it counting
 *                        ("don't stop", "did not unsubscribe")
 */
public record KeywordSet(String name, Set<String> optOut, Set<String> optIn, Set<String> help,
                         Set<String> confirmYes, Set<String> confirmNo, Set<String> revocationWords,
                         Set<String> negations) {

    /**
     * English, as Twilio handles it by default plus the FCC's revocation words.
     * <ul>
     * <li>opt-out: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT (Twilio's eight)
     * and OPT OUT, OPT-OUT, STOP ALL (FCC 24-24 lists "opt out"; Twilio cannot match spaces);</li>
     * <li>opt-in: START, YES, UNSTOP; help: HELP, INFO;</li>
     * <li>confirm yes: Y, YES, YEP, YEAH, YUP, CONFIRM, CONFIRMED, I CONFIRM, YES PLEASE, ACCEPT,
     * AGREE, I AGREE; confirm no: N, NO, NOPE, NAH, DECLINE, DECLINED, NO THANKS, NO THANK YOU,
     * NOT INTERESTED;</li>
     * <li>revocation words inside a reply: the FCC's per-se words stop, quit, end, revoke, opt out,
     * cancel, unsubscribe, plus STOPALL, STOP ALL, OPTOUT; negations NOT, DONT, NEVER, DIDNT,
     * DOESNT.</li>
     * </ul>
     */
    public static final KeywordSet ENGLISH = new KeywordSet("en",
            set("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT",
                    "OPT OUT", "OPT-OUT", "STOP ALL"),
            set("START", "YES", "UNSTOP"),
            set("HELP", "INFO"),
            set("Y", "YES", "YEP", "YEAH", "YUP", "CONFIRM", "CONFIRMED", "I CONFIRM", "YES PLEASE", "ACCEPT",
                    "AGREE", "I AGREE"),
            set("N", "NO", "NOPE", "NAH", "DECLINE", "DECLINED", "NO THANKS", "NO THANK YOU", "NOT INTERESTED"),
            set("STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "OPT OUT"),
            set("NOT", "DONT", "NEVER", "DIDNT", "DOESNT"));

    /**
     * Spanish extras. Opt-out: ALTO, PARAR, PARE, DETENER, CANCELAR, BAJA, DAR DE BAJA, NO MAS,
     * NO MÁS, DESUSCRIBIR, FIN; opt-in: COMENZAR, INICIAR, SUSCRIBIR; help: AYUDA; confirm yes: SI,
     * SÍ, CONFIRMAR, ACEPTO; confirm no: NO, NO GRACIAS, RECHAZAR. Inside a reply only the
     * unambiguous verbs count (PARAR, DETENER, CANCELAR, DAR DE BAJA, NO MAS, NO MÁS, DESUSCRIBIR,
     * DESUSCRIBIRME): "alto" also means "high" and "baja" "low".
     */
    public static final KeywordSet SPANISH = new KeywordSet("es",
            set("ALTO", "PARAR", "PARE", "DETENER", "CANCELAR", "BAJA", "DAR DE BAJA", "NO MAS", "NO MÁS",
                    "DESUSCRIBIR", "FIN"),
            set("COMENZAR", "INICIAR", "SUSCRIBIR"),
            set("AYUDA"),
            set("SI", "SÍ", "CONFIRMAR", "ACEPTO"),
            set("NO", "NO GRACIAS", "RECHAZAR"),
            set("PARAR", "DETENER", "CANCELAR", "DAR DE BAJA", "NO MAS", "NO MÁS", "DESUSCRIBIR", "DESUSCRIBIRME"),
            set("NUNCA"));

    /**
     * French extras. Opt-out: ARRET, ARRÊT, ARRETE, ARRÊTE, ARRETT (the three Twilio Proxy drops),
     * ARRETER, ARRÊTER, DESABONNER, DÉSABONNER, DESINSCRIRE, DÉSINSCRIRE, ANNULER, FIN; opt-in:
     * COMMENCER, DEMARRER, DÉMARRER; help: AIDE; confirm yes: OUI, CONFIRMER, ACCEPTER; confirm no:
     * NON, NON MERCI, REFUSER. Inside a reply: ARRETEZ, ARRÊTEZ, ARRETER, ARRÊTER, DESABONNER,
     * DÉSABONNER, DESABONNEZ, DÉSABONNEZ, DESINSCRIRE, DÉSINSCRIRE ("arrêt" alone also means a bus
     * stop); negations PAS, JAMAIS.
     */
    public static final KeywordSet FRENCH = new KeywordSet("fr",
            set("ARRET", "ARRÊT", "ARRETE", "ARRÊTE", "ARRETT", "ARRETER", "ARRÊTER", "DESABONNER", "DÉSABONNER",
                    "DESINSCRIRE", "DÉSINSCRIRE", "ANNULER", "FIN"),
            set("COMMENCER", "DEMARRER", "DÉMARRER"),
            set("AIDE"),
            set("OUI", "CONFIRMER", "ACCEPTER"),
            set("NON", "NON MERCI", "REFUSER"),
            set("ARRETEZ", "ARRÊTEZ", "ARRETER", "ARRÊTER", "DESABONNER", "DÉSABONNER", "DESABONNEZ", "DÉSABONNEZ",
                    "DESINSCRIRE", "DÉSINSCRIRE"),
            set("PAS", "JAMAIS"));

    /**
     * The keywords Twilio itself acts on for long codes and toll-free numbers, as a reference set:
     * opt-out STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT (block-list and
     * auto-reply); opt-in START, YES, UNSTOP; help HELP, INFO. No answers, revocation words or
     * negations. {@link #ENGLISH} contains all of them, so a parser built from the defaults already
     * reads every keyword Twilio acts on; use this set to tell which keywords Twilio will have
     * answered itself (what {@link InboundHandler.Builder#providerKeywords(Set)} defaults to).
     */
    public static final KeywordSet TWILIO_DEFAULTS = of("twilio",
            set("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"),
            set("START", "YES", "UNSTOP"),
            set("HELP", "INFO"));

    public KeywordSet {
        name = InvalidInputException.requireText("name", name);
        optOut = copy(optOut, "optOut");
        optIn = copy(optIn, "optIn");
        help = copy(help, "help");
        confirmYes = copy(confirmYes, "confirmYes");
        confirmNo = copy(confirmNo, "confirmNo");
        revocationWords = copy(revocationWords, "revocationWords");
        negations = copy(negations, "negations");
    }

    /** A set with only whole-message opt-out, opt-in and help keywords. */
    public static KeywordSet of(String name, Set<String> optOut, Set<String> optIn, Set<String> help) {
        return new KeywordSet(name, optOut, optIn, help, Set.of(), Set.of(), Set.of(), Set.of());
    }

    private static Set<String> set(String... words) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(words)));
    }

    private static Set<String> copy(Set<String> in, String field) {
        Objects.requireNonNull(in, field);
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String s : in) {
            out.add(InvalidInputException.requireText(field, s));
        }
        return Collections.unmodifiableSet(out);
    }
}
