package io.consentkit.web.frontdesk;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentChannel;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.OptInMethod;
import io.consentkit.web.Http;
import io.consentkit.web.WebFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The front desk over real HTTP on 127.0.0.1: behind the login, CSRF-checked, recording staff and location. */
class FrontDeskPageTest {
    static final String PERSON = "+14158675309";
    @TempDir
    Path dir;
    private WebFixture web;
    private Http http;

    @BeforeEach
    void start() {
        web = new WebFixture(dir);
        http = new Http(web.base());
    }

    @AfterEach
    void close() {
        web.close();
    }

    private String loggedIn() throws Exception {
        String login = http.get("/console/login?next=/frontdesk").body();
        HttpResponse<String> in = http.post("/console/login", Http.form("csrf", Http.hidden(login, "csrf"),
                "next", Http.hidden(login, "next"), "user", "maria", "password", WebFixture.PASSWORD));
        assertThat(in.headers().firstValue("Location")).contains("/frontdesk");
        return http.get("/frontdesk").body();
    }

    private Map<String, String> form(String page, String phone, String location, boolean agreed) {
        Map<String, String> f = Http.form("csrf", Http.hidden(page, "csrf"), "version", Http.hidden(page, "version"),
                "phone", phone, "name", "Ana <b>", "location", location);
        if (agreed) {
            f.put("agreed", "yes");
        }
        return f;
    }

    @Test
    void theLoginComesFirstThenTheConsentIsRecordedWithTheStaffMemberAndLocation() throws Exception {
        HttpResponse<String> anonymous = http.get("/frontdesk");
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).contains("/console/login?next=%2Ffrontdesk");

        String page = loggedIn();
        assertThat(page).contains("Staff: <span id=\"staff\">maria</span>", "Front desk, Main St", "Lobby kiosk",
                io.consentkit.web.Html.escape(web.frontDesk.consentText()));
        HttpResponse<String> done = http.post("/frontdesk", form(page, "415-867-5309", "Lobby kiosk", true));
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("Recorded:", "Lobby kiosk", "by maria").doesNotContain("867-5309");
        assertThat(done.headers().firstValue("Cache-Control")).contains("no-store");

        assertThat(web.tracker.isActive(PERSON)).isTrue();
        ConsentRecord row = web.tracker.status(PERSON).orElseThrow();
        assertThat(row.optInMethod()).isEqualTo(OptInMethod.IN_PERSON);
        assertThat(row.consentMessage()).isEqualTo(web.frontDesk.consentText());
        assertThat(row.customerName()).isEqualTo("Ana <b>");
        assertThat(row.channel()).isEqualTo(ConsentChannel.AGENT.journalName());
        assertThat(row.metadata()).containsEntry(FrontDeskPage.STAFF_MEMBER, "maria")
                .containsEntry(FrontDeskPage.LOCATION, "Lobby kiosk")
                .containsEntry(FrontDeskPage.COLLECTED_BY, FrontDeskPage.COLLECTED_BY_FRONT_DESK);
    }

    @Test
    void aPostWithoutTheCsrfTokenOrWithBadInputRecordsNothing() throws Exception {
        String page = loggedIn();
        Map<String, String> noToken = form(page, PERSON, "Lobby kiosk", true);
        noToken.remove("csrf");
        HttpResponse<String> refused = http.post("/frontdesk", noToken);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("CSRF");
        assertThat(http.post("/frontdesk", form(page, PERSON, "Elsewhere", true)).body()).contains("location:");
        assertThat(http.post("/frontdesk", form(page, "12", "Lobby kiosk", true)).body()).contains("phone:");
        HttpResponse<String> unticked = http.post("/frontdesk", form(page, PERSON, "Lobby kiosk", false));
        assertThat(unticked.statusCode()).isEqualTo(400);
        assertThat(unticked.body()).contains("agreed:");
        assertThat(web.tracker.history(PERSON)).isEmpty();
    }

    @Test
    void aFrontDeskNeedsALocationAndATextSayingStop() {
        assertThatThrownBy(() -> FrontDeskPage.builder(web.auth, web.tracker).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("location");
        assertThatThrownBy(() -> FrontDeskPage.builder(web.auth, web.tracker).consentText("Texts from us."))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("consentText");
    }
}
