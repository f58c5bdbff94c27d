package io.consentkit.web.optin;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Program;
import io.consentkit.inbound.ConfirmationRejectedException;
import io.consentkit.inbound.ConfirmationRequest;
import io.consentkit.inbound.Confirmations;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.web.Html;
import io.consentkit.web.HtmlSnapshots;
import io.consentkit.web.Pages;
import io.consentkit.web.RateLimit;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The public opt-in page, a servlet: {@code GET} serves the page of its {@link OptInPageSettings} (the same bytes
 * every time, stored once in {@link HtmlSnapshots} at construction); a form {@code POST} (plain HTML, works with
 * JavaScript off) asks for the SMS confirmation through {@link Confirmations#ask}: the number becomes active only
 * when the person answers Y (handled by the {@code InboundHandler}, as every Y/N flow), so nobody can sign up a
 * stranger's number. The pending confirmation carries the web evidence in its metadata, which the confirmed row
 * keeps: {@value #SOURCE}={@value #SOURCE_WEB_FORM}, {@value #IP_ADDRESS}, {@value #USER_AGENT},
 * {@value #FORM_URL}, {@value #CONSENT_TEXT} (exactly the text beside the box), {@value #HTML_SHA256} (of the page
 * bytes served, kept in the snapshots) and {@value #PROGRAM}.
 *
 * <p>Abuse limits: a hidden honeypot field (a filled one gets the usual answer and nothing is recorded or sent),
 * posts per client address and per number in a window ({@link Builder#limits}; 429 beyond), cross-site posts
 * refused ({@code Sec-Fetch-Site} other than {@code same-origin}, or without it an {@code Origin} whose host is not
 * the request's {@code Host}: 403). Bad input (no number, an invalid number, the box not checked, a page that changed since it was served)
 * gets a 400 page naming the field, and nothing is recorded. Thread-safe.
 */
public final class OptInPage extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Metadata key: where the opt-in came from. */
    public static final String SOURCE = "opt_in_source";
    /** {@link #SOURCE} of this page's confirmations. */
    public static final String SOURCE_WEB_FORM = "web_form";
    /** Metadata key: the submitting client's address. */
    public static final String IP_ADDRESS = "ip_address";
    /** Metadata key: the submitting browser's User-Agent (at most 512 characters). */
    public static final String USER_AGENT = "user_agent";
    /** Metadata key: the URL the form was posted to (the page's URL). */
    public static final String FORM_URL = "form_url";
    /** Metadata key: the exact consent text beside the box. */
    public static final String CONSENT_TEXT = "web_consent_text";
    /** Metadata key: SHA-256 (hex) of the exact page bytes served, kept in {@link HtmlSnapshots}. */
    public static final String HTML_SHA256 = "html_sha256";
    /** Metadata key: the program signed up for, as {@code brand/program}. */
    public static final String PROGRAM = "web_program";
    /** Name of the honeypot field, which people never see or fill: {@value}. */
    public static final String HONEYPOT_FIELD = "website";
    /** Default posts per client address per window: {@value}. */
    public static final int DEFAULT_PER_ADDRESS = 10;
    /** Default posts per number per window: {@value}. */
    public static final int DEFAULT_PER_NUMBER = 3;
    /** Default window of both limits: 1 hour. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(OptInPage.class);

    private final transient OptInPageSettings settings;
    private final transient Confirmations confirmations;
    private final transient ConsentTracker tracker;
    private final transient RateLimit perAddress;
    private final transient RateLimit perNumber;
    private final byte[] page;
    private final String pageSha256;
    private final String version;

    private OptInPage(Builder b) {
        this.settings = b.settings;
        this.confirmations = b.confirmations;
        this.tracker = b.confirmations.tracker();
        Program def = tracker.programs().defaultProgram();
        if (!def.name().equals(settings.program().name()) || !def.brand().equals(settings.program().brand())) {
            throw new InvalidInputException("program", "must be the tracker's default program ('" + def.brand() + "/"
                    + def.name() + "'): the SMS confirmation records the consent there");
        }
        this.perAddress = new RateLimit(b.perAddress, b.window, tracker.clock());
        this.perNumber = new RateLimit(b.perNumber, b.window, tracker.clock());
        this.version = HtmlSnapshots.sha256((settings.consentText() + "\n" + settings.confirmationQuestion())
                .getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        this.page = render(settings, version);
        this.pageSha256 = b.snapshots.put(page);
    }

    /** A builder for the page of {@code settings}, asking through {@code confirmations} (which needs a sender). */
    public static Builder builder(OptInPageSettings settings, Confirmations confirmations, HtmlSnapshots snapshots) {
        return new Builder(settings, confirmations, snapshots);
    }

    /** The exact page bytes served. */
    public byte[] page() {
        return page.clone();
    }

    /** SHA-256 (hex) of {@link #page()}, recorded as {@value #HTML_SHA256}. */
    public String pageSha256() {
        return pageSha256;
    }

    /**
     * Renders the page of {@code settings}: the same settings give the same bytes, so a stored snapshot can be
     * re-rendered and compared. {@code version} ties a post to the texts it was shown.
     */
    static byte[] render(OptInPageSettings s, String version) {
        Html body = Html.format("<h1>Get texts from {}</h1><p>{}: {}</p>"
                        + "<form method=\"post\" accept-charset=\"utf-8\">"
                        + "<input type=\"hidden\" name=\"version\" value=\"{}\">"
                        + "<label for=\"phone\">Mobile number</label>"
                        + "<input type=\"tel\" id=\"phone\" name=\"phone\" autocomplete=\"tel\" required>"
                        + "<div class=\"hp\" aria-hidden=\"true\"><label for=\"" + HONEYPOT_FIELD + "\">Leave this empty"
                        + "</label><input type=\"text\" id=\"" + HONEYPOT_FIELD + "\" name=\"" + HONEYPOT_FIELD
                        + "\" tabindex=\"-1\" autocomplete=\"off\"></div>"
                        + "<p class=\"consent\"><input type=\"checkbox\" id=\"consent\" name=\"consent\" value=\"yes\" "
                        + "required><label for=\"consent\" id=\"consent-text\">{}</label></p>"
                        + "<p class=\"fine\">{} {} {}</p>"
                        + "<p class=\"fine\" id=\"double-opt-in\">After you sign up we text this number to confirm. "
                        + "You are not subscribed until you reply Y to that text. If it is not your number, ignore "
                        + "the text and nothing more is sent.</p>"
                        + "<p class=\"fine\"><a href=\"{}\" rel=\"noopener noreferrer\">Terms</a> | "
                        + "<a href=\"{}\" rel=\"noopener noreferrer\">Privacy policy</a></p>"
                        + "<button type=\"submit\">Sign up</button></form>",
                s.brand(), s.brand(), s.programLabel(), version, s.consentText(), s.frequency(),
                OptInPageSettings.RATES, OptInPageSettings.STOP_HELP, s.termsUrl().toString(), s.privacyUrl().toString());
        return Pages.document("Text messages from " + s.brand(), body).bytes();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Pages.send(resp, 200, page, false);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        req.getParameterMap(); // reads the (bounded) form first: a refusal then leaves the connection reusable
        if (crossSite(req)) {
            Pages.error(resp, 403, "Refused", "This form can only be sent from its own page; nothing was recorded.");
            return;
        }
        String address = req.getRemoteAddr();
        if (!perAddress.tryAcquire(address)) {
            tooMany(resp);
            return;
        }
        String honeypot = req.getParameter(HONEYPOT_FIELD);
        if (honeypot != null && !honeypot.isEmpty()) {
            LOG.info("opt-in post from {} dropped: the honeypot field was filled", address);
            Pages.send(resp, 200, checkYourPhone("your number"), true);
            return;
        }
        if (!version.equals(req.getParameter("version"))) {
            Pages.error(resp, 400, "Please reload the page", "version: the sign-up page changed since it was opened; "
                    + "reload it, read it and sign up again. Nothing was recorded.");
            return;
        }
        PhoneNumber pn;
        try {
            pn = tracker.phoneNumbers().parse(InvalidInputException.requireText("phone", req.getParameter("phone")),
                    "phone");
        } catch (InvalidInputException e) {
            Pages.error(resp, 400, "Please check the form", "phone: enter a valid mobile number (" + e.problem()
                    + "). Nothing was recorded.");
            return;
        }
        if (!"yes".equals(req.getParameter("consent"))) {
            Pages.error(resp, 400, "Please check the form", "consent: check the box to agree to the text messages. "
                    + "Nothing was recorded.");
            return;
        }
        if (!perNumber.tryAcquire(pn.e164())) {
            tooMany(resp);
            return;
        }
        ConfirmationRequest asked;
        try {
            asked = confirmations.ask(pn.e164(), settings.confirmationQuestion(), evidence(req, address),
                    settings.confirmationTtl());
        } catch (ConfirmationRejectedException e) {
            Pages.error(resp, 409, "This number has opted out", "This number opted out by replying STOP. To get "
                    + "texts again, reply START to one of our messages. Nothing was recorded.");
            return;
        }
        if (!asked.pending()) {
            LOG.warn("opt-in confirmation {} to {} not sent: {}", asked.id(), pn.masked(),
                    asked.outcome().getClass().getSimpleName());
            Pages.error(resp, 503, "Could not send the text", "We could not send the confirmation text just now. "
                    + "Please try again later; you are not signed up.");
            return;
        }
        LOG.info("opt-in page: confirmation {} sent to {}", asked.id(), pn.masked());
        Pages.send(resp, 200, checkYourPhone(pn.masked()), true);
    }

    private Map<String, String> evidence(HttpServletRequest req, String address) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SOURCE, SOURCE_WEB_FORM);
        m.put(IP_ADDRESS, address);
        String ua = Objects.requireNonNullElse(req.getHeader("User-Agent"), "");
        m.put(USER_AGENT, ua.length() > 512 ? ua.substring(0, 512) : ua);
        m.put(FORM_URL, req.getRequestURL().toString());
        m.put(CONSENT_TEXT, settings.consentText());
        m.put(HTML_SHA256, pageSha256);
        m.put(PROGRAM, settings.program().brand() + "/" + settings.program().name());
        return m;
    }

    private Html checkYourPhone(String masked) {
        return Pages.document("Check your phone", Html.format("<h1>Check your phone</h1>"
                + "<p id=\"sent\">We texted {} to confirm. Reply <strong>Y</strong> to that text to start getting {} "
                + "from {}.</p><p>Until you reply Y you are not signed up and we send nothing else. Reply N, or "
                + "ignore it, if you did not ask for it.</p>", masked, settings.programLabel(), settings.brand()));
    }

    private static void tooMany(HttpServletResponse resp) throws IOException {
        resp.setHeader("Retry-After", "3600");
        Pages.error(resp, 429, "Too many sign-ups", "Too many sign-up attempts from here or for this number; "
                + "please try again later. Nothing was recorded.");
    }

    /**
     * True for a post another site made. A browser's {@code Sec-Fetch-Site} decides when sent (only
     * {@code same-origin} and {@code none}, a typed-in request, pass); otherwise the {@code Origin}'s host must be
     * the {@code Host} the post was sent to. A post with neither (a script, not a browser) is not cross-site.
     */
    static boolean crossSite(HttpServletRequest req) {
        String site = req.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none");
        }
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        String host = req.getHeader("Host");
        try {
            String authority = URI.create(origin.strip()).getRawAuthority();
            return authority == null || host == null || !authority.toLowerCase(Locale.ROOT)
                    .equals(host.strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** Configures an {@link OptInPage}; setters check at once. Not thread-safe. */
    public static final class Builder {
        private final OptInPageSettings settings;
        private final Confirmations confirmations;
        private final HtmlSnapshots snapshots;
        private int perAddress = DEFAULT_PER_ADDRESS;
        private int perNumber = DEFAULT_PER_NUMBER;
        private Duration window = DEFAULT_WINDOW;

        private Builder(OptInPageSettings settings, Confirmations confirmations, HtmlSnapshots snapshots) {
            this.settings = Objects.requireNonNull(settings, "settings");
            this.confirmations = Objects.requireNonNull(confirmations, "confirmations");
            this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        }

        /** Posts allowed per client address and per number in {@code window}. Defaults 10 and 3 per hour. */
        public Builder limits(int perAddress, int perNumber, Duration window) {
            if (perAddress < 1 || perNumber < 1) {
                throw new InvalidInputException("limits", "must allow 1 or more posts, was " + perAddress + " per address, "
                        + perNumber + " per number");
            }
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new InvalidInputException("window", "must be positive, was " + window);
            }
            this.perAddress = perAddress;
            this.perNumber = perNumber;
            this.window = window;
            return this;
        }

        /**
         * Builds the page and stores its snapshot.
         *
         * @throws InvalidInputException naming {@code program} if the settings' program is not the tracker's default
         */
        public OptInPage build() {
            return new OptInPage(this);
        }
    }
}
