package io.consentkit.web.frontdesk;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentChannel;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.OptInMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.web.ConsoleAuth;
import io.consentkit.web.Html;
import io.consentkit.web.HtmlSnapshots;
import io.consentkit.web.Operator;
import io.consentkit.web.OperatorAccess;
import io.consentkit.web.Pages;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The front-desk page, a servlet behind the operator login ({@link ConsoleAuth}, or the container's through another
 * {@link OperatorAccess}): a tablet at a front desk shows
 * the consent text, the staff member types the customer's number, picks the location and ticks that the customer
 * read the text and agreed; the page records an {@code in_person} consent (channel {@code agent}) whose text is
 * exactly the one shown, with {@value #STAFF_MEMBER} (the logged-in operator) and {@value #LOCATION} in its
 * metadata, the same keys as {@link ConsentTracker#recordInPersonConsent}. Every post is CSRF-checked by the
 * login; bad input gets a 400 page naming the field and records nothing. Thread-safe.
 */
public final class FrontDeskPage extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Metadata key: who collected the consent (the operator's name). */
    public static final String STAFF_MEMBER = "staff_member";
    /** Metadata key: where it was collected. */
    public static final String LOCATION = "location";
    /** Metadata key: which page recorded it ({@value #COLLECTED_BY_FRONT_DESK}). */
    public static final String COLLECTED_BY = "collected_by";
    /** {@link #COLLECTED_BY} of this page. */
    public static final String COLLECTED_BY_FRONT_DESK = "front_desk";
    private static final Logger LOG = LoggerFactory.getLogger(FrontDeskPage.class);

    private final transient OperatorAccess auth;
    private final transient ConsentTracker tracker;
    private final String consentText;
    private final String program;
    private final List<String> locations;
    private final String version;

    private FrontDeskPage(Builder b) {
        this.auth = b.auth;
        this.tracker = b.tracker;
        this.consentText = b.consentText != null ? b.consentText : tracker.texts().inPerson();
        this.program = b.program;
        this.locations = List.copyOf(b.locations);
        this.version = HtmlSnapshots.sha256(consentText.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** A builder recording into {@code tracker}, behind {@code auth}'s login. */
    public static Builder builder(OperatorAccess auth, ConsentTracker tracker) {
        return new Builder(auth, tracker);
    }

    /** The consent text the page shows and records. */
    public String consentText() {
        return consentText;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<Operator> who = auth.requireOperator(req, resp);
        if (who.isPresent()) {
            Pages.send(resp, 200, page(req, who.get(), Html.EMPTY), true);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<Operator> who = auth.requireOperator(req, resp);
        if (who.isEmpty()) {
            return;
        }
        if (!version.equals(req.getParameter("version"))) {
            Pages.error(resp, 400, "Please reload the page", "version: the consent text changed since the page was "
                    + "opened; reload it and show the customer the new text. Nothing was recorded.");
            return;
        }
        String location = req.getParameter("location");
        if (location == null || !locations.contains(location)) {
            Pages.error(resp, 400, "Please check the form", "location: pick one of the listed locations. Nothing was "
                    + "recorded.");
            return;
        }
        PhoneNumber pn;
        try {
            pn = tracker.phoneNumbers().parse(InvalidInputException.requireText("phone", req.getParameter("phone")),
                    "phone");
        } catch (InvalidInputException e) {
            Pages.error(resp, 400, "Please check the form", "phone: enter the customer's mobile number ("
                    + e.problem() + "). Nothing was recorded.");
            return;
        }
        if (!"yes".equals(req.getParameter("agreed"))) {
            Pages.error(resp, 400, "Please check the form", "agreed: tick the box once the customer has read the text "
                    + "and agreed. Nothing was recorded.");
            return;
        }
        String name = Objects.requireNonNullElse(req.getParameter("name"), "").strip();
        ConsentRequest.Builder rb = ConsentRequest.builder(pn.e164(), OptInMethod.IN_PERSON, consentText)
                .customerName(name.length() > 200 ? name.substring(0, 200) : name)
                .metadata(STAFF_MEMBER, who.get().name()).metadata(LOCATION, location)
                .metadata(COLLECTED_BY, COLLECTED_BY_FRONT_DESK);
        if (program != null) {
            rb.program(program);
        }
        ConsentRecord row = tracker.recordConsent(rb.build(), ConsentChannel.AGENT);
        LOG.info("front desk: in-person consent {} for {} recorded by {} at {}", row.consentId(), pn.masked(),
                who.get().name(), location);
        Pages.send(resp, 200, page(req, who.get(), Html.format("<p id=\"recorded\" role=\"status\">Recorded: {} agreed "
                + "in person ({}, by {}).</p>", pn.masked(), location, who.get().name())), true);
    }

    private Html page(HttpServletRequest req, Operator who, Html notice) {
        List<Html> options = new ArrayList<>();
        for (String l : locations) {
            options.add(Html.format("<option value=\"{}\">{}</option>", l, l));
        }
        Html body = Html.format("<h1>Front desk: {}</h1><p class=\"fine\">Staff: <span id=\"staff\">{}</span></p>{}{}"
                        + "<form method=\"post\">{}<input type=\"hidden\" name=\"version\" value=\"{}\">"
                        + "<p class=\"consent\" id=\"consent-text\">{}</p>"
                        + "<label for=\"phone\">Customer's mobile number</label>"
                        + "<input type=\"tel\" id=\"phone\" name=\"phone\" autocomplete=\"off\" required>"
                        + "<label for=\"name\">Customer's name (optional)</label>"
                        + "<input type=\"text\" id=\"name\" name=\"name\" autocomplete=\"off\">"
                        + "<label for=\"location\">Location</label><select id=\"location\" name=\"location\">{}</select>"
                        + "<p class=\"consent\"><input type=\"checkbox\" id=\"agreed\" name=\"agreed\" value=\"yes\" required>"
                        + "<label for=\"agreed\">The customer read the text above and agreed.</label></p>"
                        + "<button type=\"submit\">Record consent</button></form>",
                tracker.texts().brand(), who.name(), auth.logoutForm(req), notice, auth.csrfField(req), version,
                consentText, Html.join(options));
        return Pages.document("Front desk", body);
    }

    /** Configures a {@link FrontDeskPage}; setters check at once. Not thread-safe. */
    public static final class Builder {
        private final OperatorAccess auth;
        private final ConsentTracker tracker;
        private String consentText;
        private String program;
        private final List<String> locations = new ArrayList<>();

        private Builder(OperatorAccess auth, ConsentTracker tracker) {
            this.auth = Objects.requireNonNull(auth, "auth");
            this.tracker = Objects.requireNonNull(tracker, "tracker");
        }

        /** The text shown and recorded. Must say STOP. Default the tracker's in-person text ({@code ConsentTexts.inPerson()}). */
        public Builder consentText(String text) {
            String t = InvalidInputException.requireText("consentText", text);
            if (!t.toUpperCase(Locale.ROOT).matches("(?s).*\\bSTOP\\b.*")) {
                throw new InvalidInputException("consentText", "must say how to opt out (STOP)");
            }
            this.consentText = t;
            return this;
        }

        /** The program consented to (one the tracker has). Default the tracker's default program. */
        public Builder program(String name) {
            this.program = tracker.programs().program(name).name();
            return this;
        }

        /** A location the staff can pick (e.g. "Front desk, Main St"); at least one is required. */
        public Builder location(String location) {
            String l = InvalidInputException.requireText("location", location);
            if (l.length() > 100) {
                throw new InvalidInputException("location", "must be at most 100 characters");
            }
            locations.add(l);
            return this;
        }

        /**
         * Builds it.
         *
         * @throws InvalidInputException naming {@code location} when none was given
         */
        public FrontDeskPage build() {
            if (locations.isEmpty()) {
                throw new InvalidInputException("location", "is required: name at least one location of the front desk");
            }
            return new FrontDeskPage(this);
        }
    }
}
