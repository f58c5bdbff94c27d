package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.config.ConfigKeys;
import io.consentkit.config.ConsentKitConfig;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.Confirmations;
import io.consentkit.send.GuardedSender;
import io.consentkit.twilio.TwilioWebhookServer;
import io.consentkit.web.ConsoleAuth;
import io.consentkit.web.ConsoleCredentials;
import io.consentkit.web.HtmlSnapshots;
import io.consentkit.web.console.ConsoleAudit;
import io.consentkit.web.console.ConsoleQueries;
import io.consentkit.web.console.ConsoleSendLog;
import io.consentkit.web.console.ConsoleServlet;
import io.consentkit.web.console.ConsoleStats;
import io.consentkit.web.frontdesk.FrontDeskPage;
import io.consentkit.web.optin.OptInPage;
import io.consentkit.web.optin.OptInPageSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code consent serve}'s web pages ({@code --console}, or {@code consentkit.console.enabled}): the operator login
 * and the front desk always, the public opt-in page when a gateway sends its confirmation texts and the terms and
 * privacy links are given. No page is mounted without console credentials ({@code CONSENTKIT_CONSOLE_PASSWORD} or
 * {@code consentkit.console.password-hash}). Not thread-safe: one per run.
 */
final class ConsoleOptions {
    /** Path of the opt-in page. */
    static final String OPTIN_PATH = "/optin";
    /** Path of the front desk. */
    static final String FRONT_DESK_PATH = "/frontdesk";
    /** Where the operator console is mounted. */
    static final String CONSOLE_PATH = "/console";

    @Option(names = "--console", description = "Mount the web pages: the operator login (/console/login), the front "
            + "desk (/frontdesk) and, with --gateway, --optin-terms and --optin-privacy, the public opt-in page (/optin). "
            + "Needs CONSENTKIT_CONSOLE_PASSWORD or consentkit.console.password-hash. Default: consentkit.console.enabled.")
    boolean console;
    @Option(names = "--gateway", paramLabel = "<name>", description = "SMS gateway that sends the opt-in page's "
            + "confirmation texts (e.g. twilio).")
    String gateway;
    @Option(names = "--optin-terms", paramLabel = "<url>", description = "Terms page the opt-in page links to.")
    String terms;
    @Option(names = "--optin-privacy", paramLabel = "<url>", description = "Privacy policy the opt-in page links to.")
    String privacy;
    @Option(names = "--optin-frequency", paramLabel = "<text>", description = "Message frequency shown, e.g. "
            + "\"Up to 4 msgs/month.\" Default: Message frequency varies.")
    String frequency;
    @Option(names = "--optin-label", paramLabel = "<text>", description = "What people sign up for, e.g. "
            + "\"class reminders and member offers\".")
    String label;
    @Option(names = "--location", paramLabel = "<name>", description = "A front-desk location staff can pick "
            + "(repeatable). Default: Front desk.")
    List<String> locations = new ArrayList<>();

    /** The pages of one run, built over its tracker. */
    record Pages(ConsoleAuth auth, Confirmations confirmations, FrontDeskPage frontDesk, OptInPage optIn,
                 ConsoleServlet console) {
        /** Mounts every page on {@code server}. */
        TwilioWebhookServer.Builder mountOn(TwilioWebhookServer.Builder server) {
            server.mount(auth.loginPath(), auth.loginServlet()).mount(auth.logoutPath(), auth.logoutServlet())
                    .mount(FRONT_DESK_PATH, frontDesk).mount(CONSOLE_PATH + "/*", console);
            if (optIn != null) {
                server.mount(OPTIN_PATH, optIn);
            }
            return server;
        }

        /** Path to what it serves, for the start-up message. */
        Map<String, String> paths() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("login", auth.loginPath());
            m.put("frontDesk", FRONT_DESK_PATH);
            m.put("console", CONSOLE_PATH + "/");
            if (optIn != null) {
                m.put("optIn", OPTIN_PATH);
            }
            return m;
        }
    }

    /** True if the pages are asked for by the flag or the configuration. */
    boolean enabled(ConsentKitConfig config) {
        return console || config.flag(ConfigKeys.CONSOLE_ENABLED);
    }

    /**
     * Builds the pages, or returns null when they are not asked for.
     *
     * @param stats the console's counters: the tracker's listener, loaded from its store
     * @param log   the send log the pages' sender writes to, counted for the console
     * @throws InvalidInputException when no console credentials are configured, or for a bad opt-in setting
     */
    Pages open(ConsentKitConfig config, ConsentTracker tracker, ConsoleStats stats, ConsoleSendLog log,
               Path snapshotDir) {
        if (!enabled(config)) {
            return null;
        }
        ConsoleCredentials credentials = ConsoleCredentials.fromConfig(config).orElseThrow(() ->
                new InvalidInputException(ConfigKeys.CONSOLE_PASSWORD.name(), "is not set: no console without "
                        + "credentials; set " + ConfigKeys.CONSOLE_PASSWORD.environmentVariable() + " or "
                        + ConfigKeys.CONSOLE_PASSWORD_HASH.name()));
        ConsoleAuth auth = ConsoleAuth.builder(credentials).clock(tracker.clock())
                .secureCookies(config.flag(ConfigKeys.CONSOLE_SECURE_COOKIES)).build();
        FrontDeskPage.Builder desk = FrontDeskPage.builder(auth, tracker);
        (locations.isEmpty() ? List.of("Front desk") : locations).forEach(desk::location);
        Confirmations.Builder cb = Confirmations.builder(tracker);
        OptInPage optIn = null;
        Confirmations confirmations;
        if (gateway != null || terms != null || privacy != null) {
            if (gateway == null) {
                throw new InvalidInputException("gateway", "is required for the opt-in page: it sends the confirmation "
                        + "texts (e.g. --gateway twilio)");
            }
            OptInPageSettings.Builder sb = OptInPageSettings.builder(tracker.texts().brand(),
                    tracker.programs().defaultProgram());
            if (frequency != null) {
                sb.frequency(frequency);
            }
            if (label != null) {
                sb.programLabel(label);
            }
            if (terms != null) {
                sb.termsUrl(terms);
            }
            if (privacy != null) {
                sb.privacyUrl(privacy);
            }
            OptInPageSettings settings = sb.build();
            GuardedSender sender = GuardedSender.builder(tracker, SendCommand.gateway(gateway)).sendLog(log).build();
            confirmations = cb.sender(sender).build();
            optIn = OptInPage.builder(settings, confirmations, HtmlSnapshots.open(snapshotDir)).build();
        } else {
            confirmations = cb.build();
        }
        ConsoleServlet console = new ConsoleServlet(ConsoleQueries.builder(tracker, stats).sendLog(log)
                .confirmations(confirmations).clock(tracker.clock()).build(), auth, ConsoleAudit.LOG);
        return new Pages(auth, confirmations, desk.build(), optIn, console);
    }
}
