package io.consentkit.web.optin;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.web.Http;
import io.consentkit.web.HtmlSnapshots;
import io.consentkit.web.WebFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The opt-in page over real HTTP on 127.0.0.1, through to the Y answer on a signed webhook. */
class OptInPageTest {
    static final String PERSON = "+14158675309";
    @TempDir
    Path dir;
    private WebFixture web;

    @AfterEach
    void close() {
        if (web != null) {
            web.close();
        }
    }

    private Map<String, String> form(String page, String phone, boolean checked) {
        Map<String, String> f = Http.form("version", Http.hidden(page, "version"), "phone", phone, "website", "");
        if (checked) {
            f.put("consent", "yes");
        }
        return f;
    }

    @Test
    void thePageShowsEveryDisclosureAnUncheckedBoxAndIsServedAsItsStoredSnapshot() throws Exception {
        web = new WebFixture(dir);
        Http http = new Http(web.base());
        HttpResponse<byte[]> got = http.getBytes("/optin");
        assertThat(got.statusCode()).isEqualTo(200);
        Http.assertSecurityHeaders(got);
        String html = new String(got.body(), StandardCharsets.UTF_8);
        OptInPageSettings s = WebFixture.settings(web.tracker);
        assertThat(html).contains("Basin Climbing", "class reminders and member offers", "Up to 4 msgs/month.",
                "Msg &amp; data rates may apply.", "Reply STOP to cancel, HELP for help.",
                "href=\"https://basin.example/terms\"", "href=\"https://basin.example/privacy\"",
                "You are not subscribed until you reply Y");
        assertThat(html).contains(io.consentkit.web.Html.escape(s.consentText()));
        assertThat(html).contains("type=\"checkbox\" id=\"consent\" name=\"consent\" value=\"yes\" required>")
                .doesNotContain("checked").doesNotContain("<script").doesNotContain("http://")
                .contains("name=\"website\" tabindex=\"-1\"");

        assertThat(HtmlSnapshots.sha256(got.body())).isEqualTo(web.optIn.pageSha256());
        assertThat(web.snapshots.get(web.optIn.pageSha256())).hasValueSatisfying(b -> assertThat(b).isEqualTo(got.body()));
        assertThat(Files.readAllBytes(web.snapshots.file(web.optIn.pageSha256()))).isEqualTo(got.body());
        assertThat(http.getBytes("/optin").body()).as("the same bytes every time").isEqualTo(got.body());
    }

    @Test
    void aSignUpAsksBySmsAndTheNumberIsActiveOnlyAfterASignedY() throws Exception {
        web = new WebFixture(dir);
        Http http = new Http(web.base());
        String page = http.get("/optin").body();
        HttpResponse<String> sent = http.post("/optin", form(page, "(415) 867-5309", true),
                "User-Agent", "TestBrowser/1.0", "Origin", web.base().toString());
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(sent.body()).contains("Check your phone", "Reply <strong>Y</strong>").doesNotContain("867-5309");
        assertThat(sent.headers().firstValue("Cache-Control")).contains("no-store");

        assertThat(web.gateway.requests()).hasSize(1);
        assertThat(web.gateway.lastRequest().to().e164()).isEqualTo(PERSON);
        assertThat(web.gateway.lastRequest().body()).startsWith(WebFixture.settings(web.tracker).confirmationQuestion());
        assertThat(web.tracker.isActive(PERSON)).as("not active before the Y").isFalse();
        ConsentRecord pending = web.tracker.pendingConsents().get(0);
        Map<String, String> m = pending.metadata();
        assertThat(m).containsEntry(OptInPage.SOURCE, "web_form").containsEntry(OptInPage.IP_ADDRESS, "127.0.0.1")
                .containsEntry(OptInPage.USER_AGENT, "TestBrowser/1.0")
                .containsEntry(OptInPage.FORM_URL, web.base() + "/optin")
                .containsEntry(OptInPage.CONSENT_TEXT, WebFixture.settings(web.tracker).consentText())
                .containsEntry(OptInPage.HTML_SHA256, web.optIn.pageSha256())
                .containsEntry(OptInPage.PROGRAM, "default/default");

        assertThat(web.textFrom(PERSON, "Y")).isEqualTo(200);
        assertThat(web.tracker.isActive(PERSON)).isTrue();
        ConsentRecord active = web.tracker.status(PERSON).orElseThrow();
        assertThat(active.status()).isEqualTo(ConsentStatus.ACTIVE);
        assertThat(active.consentId()).isEqualTo(pending.consentId());
        assertThat(active.metadata()).containsEntry(OptInPage.HTML_SHA256, web.optIn.pageSha256())
                .containsEntry(OptInPage.CONSENT_TEXT, WebFixture.settings(web.tracker).consentText());
        // the evidence: the stored snapshot has the recorded hash, and rendering the same settings again gives it
        byte[] stored = web.snapshots.get(active.metadata().get(OptInPage.HTML_SHA256)).orElseThrow();
        assertThat(HtmlSnapshots.sha256(stored)).isEqualTo(active.metadata().get(OptInPage.HTML_SHA256));
        OptInPage again = OptInPage.builder(WebFixture.settings(web.tracker), web.confirmations,
                HtmlSnapshots.open(dir.resolve("elsewhere"))).build();
        assertThat(again.page()).isEqualTo(stored);
        assertThat(again.pageSha256()).isEqualTo(active.metadata().get(OptInPage.HTML_SHA256));
    }

    @Test
    void badInputNamesTheFieldAndRecordsAndSendsNothing() throws Exception {
        web = new WebFixture(dir);
        Http http = new Http(web.base());
        String page = http.get("/optin").body();
        HttpResponse<String> noBox = http.post("/optin", form(page, PERSON, false));
        assertThat(noBox.statusCode()).isEqualTo(400);
        assertThat(noBox.body()).contains("consent: check the box", "Nothing was recorded");
        HttpResponse<String> badNumber = http.post("/optin", form(page, "12", true));
        assertThat(badNumber.statusCode()).isEqualTo(400);
        assertThat(badNumber.body()).contains("phone: enter a valid mobile number");
        assertThat(http.post("/optin", form(page, "", true)).body()).contains("phone:");
        Map<String, String> stale = form(page, PERSON, true);
        stale.put("version", "0000000000000000");
        assertThat(http.post("/optin", stale).body()).contains("version: the sign-up page changed");
        assertThat(web.gateway.requests()).isEmpty();
        assertThat(web.tracker.history(PERSON)).isEmpty();
    }

    @Test
    void honeypotCrossSitePostsAndFloodsAreStopped() throws Exception {
        web = new WebFixture(dir, 5, 2);
        Http http = new Http(web.base());
        String page = http.get("/optin").body();
        Map<String, String> bot = form(page, PERSON, true);
        bot.put("website", "http://spam.example");
        HttpResponse<String> trapped = http.post("/optin", bot);
        assertThat(trapped.statusCode()).isEqualTo(200);
        assertThat(trapped.body()).contains("Check your phone");
        assertThat(http.post("/optin", form(page, PERSON, true), "Origin", "https://evil.example").statusCode())
                .isEqualTo(403);
        assertThat(http.post("/optin", form(page, PERSON, true), "Sec-Fetch-Site", "cross-site").statusCode())
                .isEqualTo(403);
        assertThat(web.gateway.requests()).isEmpty();
        assertThat(web.tracker.history(PERSON)).isEmpty();

        assertThat(http.post("/optin", form(page, PERSON, true)).statusCode()).isEqualTo(200);
        assertThat(http.post("/optin", form(page, PERSON, true)).statusCode()).isEqualTo(200);
        HttpResponse<String> perNumber = http.post("/optin", form(page, PERSON, true));
        assertThat(perNumber.statusCode()).as("third for the number in the hour").isEqualTo(429);
        assertThat(web.gateway.requests()).hasSize(2);
        assertThat(http.post("/optin", form(page, "+14155550101", true)).statusCode()).isEqualTo(200);
        assertThat(http.post("/optin", form(page, "+14155550102", true)).statusCode())
                .as("sixth post from the address (the honeypot one counts, refused cross-site ones do not)").isEqualTo(429);
        web.clock.advance(java.time.Duration.ofMinutes(61));
        assertThat(http.post("/optin", form(page, "+14155550102", true)).statusCode()).isEqualTo(200);
    }

    /** Regression: a real Chromium posts the page's own form with {@code Origin: null} (found by the browser test). */
    @Test
    void aSameOriginPostWithANullOriginIsAcceptedAndOtherSitesAreNot() throws Exception {
        web = new WebFixture(dir);
        Http http = new Http(web.base());
        String page = http.get("/optin").body();
        assertThat(http.post("/optin", form(page, PERSON, true), "Origin", "null", "Sec-Fetch-Site", "same-origin")
                .statusCode()).isEqualTo(200);
        assertThat(http.post("/optin", form(page, "+14155550101", true), "Sec-Fetch-Site", "same-site").statusCode())
                .isEqualTo(403);
        assertThat(http.post("/optin", form(page, "+14155550101", true), "Origin", "null").statusCode()).isEqualTo(403);
        assertThat(web.gateway.requests()).hasSize(1);
    }

    @Test
    void aConfirmationTheSenderDefersIsNotPendingAndThePageSaysSo() throws Exception {
        web = new WebFixture(dir);
        web.clock.set(java.time.Instant.parse("2026-12-02T06:30:00Z")); // 22:30 in San Francisco: quiet hours
        Http http = new Http(web.base());
        String page = http.get("/optin").body();
        HttpResponse<String> later = http.post("/optin", form(page, PERSON, true));
        assertThat(later.statusCode()).isEqualTo(503);
        assertThat(later.body()).contains("Could not send the text", "you are not signed up");
        assertThat(web.gateway.requests()).isEmpty();
        assertThat(web.tracker.pendingConsents()).isEmpty();
        assertThat(web.tracker.isActive(PERSON)).isFalse();
    }
}
