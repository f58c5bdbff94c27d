package io.consentkit.web.browser;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.web.Html;
import io.consentkit.web.Pages;
import io.consentkit.web.WebFixture;
import io.consentkit.web.frontdesk.FrontDeskPage;
import io.consentkit.web.optin.OptInPage;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages in real headless Chromium (page JavaScript off) on 127.0.0.1: the opt-in form through the fake SMS
 * to a Y on a signed webhook, the login in front of the front desk, a CSRF refusal. One browser for the class;
 * screenshots of each page in target/screenshots.
 */
@RequiresChromium
class WebPagesBrowserTest {
    static final String PERSON = "+14158675309";
    @TempDir
    static Path dir;
    static WebFixture web;
    static Chromium chromium;
    static WebDriver driver;

    /** A same-origin page with a form that posts to the front desk with a wrong CSRF token. */
    static final class ForgedForm extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Pages.send(resp, 200, Pages.document("Forged", Html.format("<form method=\"post\" action=\"/frontdesk\">"
                    + "<input type=\"hidden\" name=\"csrf\" value=\"forged\"><input type=\"hidden\" name=\"version\" "
                    + "value=\"{}\"><input type=\"hidden\" name=\"phone\" value=\"+14155550199\"><input type=\"hidden\" "
                    + "name=\"location\" value=\"Lobby kiosk\"><input type=\"hidden\" name=\"agreed\" value=\"yes\">"
                    + "<button type=\"submit\" id=\"go\">Win a prize</button></form>", "0")), true);
        }
    }

    @BeforeAll
    static void start() {
        web = new WebFixture(dir, OptInPage.DEFAULT_PER_ADDRESS, OptInPage.DEFAULT_PER_NUMBER,
                Map.<String, Servlet>of("/test/forged", new ForgedForm()));
        chromium = new Chromium();
        driver = chromium.driver;
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (web != null) {
            web.close();
        }
    }

    @BeforeEach
    void freshSession() {
        driver.get(web.base() + "/health");
        driver.manage().deleteAllCookies();
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    private static void open(String path) {
        driver.get(web.base() + path);
    }

    private static void submitAndWaitFor(WebElement button, String title) {
        button.click();
        waiting().until(ExpectedConditions.titleIs(title));
    }

    private static void logIn() {
        assertThat(driver.getTitle()).isEqualTo("Console login");
        driver.findElement(By.id("user")).sendKeys("maria");
        driver.findElement(By.id("password")).sendKeys(WebFixture.PASSWORD);
    }

    @Test
    void theOptInFormSendsTheConfirmationAndASignedYesActivatesTheNumber() throws Exception {
        open("/optin");
        assertThat(driver.getTitle()).isEqualTo("Text messages from Basin Climbing");
        WebElement box = driver.findElement(By.id("consent"));
        assertThat(box.isSelected()).as("the box starts unchecked").isFalse();
        assertThat(driver.findElement(By.id("consent-text")).getText()).isEqualTo(WebFixture.settings(web.tracker).consentText());
        assertThat(driver.findElement(By.id(OptInPage.HONEYPOT_FIELD)).getRect().getX()).as("honeypot off screen")
                .isNegative();
        chromium.screenshot("optin");

        WebElement phone = driver.findElement(By.id("phone"));
        phone.sendKeys("(415) 867-5309");
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        assertThat(driver.getTitle()).as("the browser refuses to send the form without the box").isEqualTo(
                "Text messages from Basin Climbing");
        assertThat(web.gateway.requests()).isEmpty();

        driver.findElement(By.id("consent")).click();
        submitAndWaitFor(driver.findElement(By.cssSelector("button[type=submit]")), "Check your phone");
        assertThat(driver.findElement(By.id("sent")).getText()).contains("Reply Y").doesNotContain("867-5309");
        chromium.screenshot("optin-check-your-phone");

        assertThat(web.gateway.requests()).hasSize(1);
        assertThat(web.gateway.lastRequest().to().e164()).isEqualTo(PERSON);
        assertThat(web.gateway.lastRequest().body()).contains("reply Y to confirm");
        assertThat(web.tracker.isActive(PERSON)).isFalse();

        assertThat(web.textFrom(PERSON, "Y")).isEqualTo(200);
        assertThat(web.tracker.isActive(PERSON)).isTrue();
        ConsentRecord active = web.tracker.status(PERSON).orElseThrow();
        assertThat(active.metadata()).containsEntry(OptInPage.IP_ADDRESS, "127.0.0.1")
                .containsEntry(OptInPage.HTML_SHA256, web.optIn.pageSha256())
                .containsEntry(OptInPage.FORM_URL, web.base() + "/optin");
        assertThat(active.metadata().get(OptInPage.USER_AGENT)).contains("Chrome");
    }

    @Test
    void theFrontDeskNeedsTheLoginAndRecordsTheStaffMember() {
        open("/frontdesk");
        chromium.screenshot("login");
        logIn();
        submitAndWaitFor(driver.findElement(By.cssSelector("button[type=submit]")), "Front desk");
        assertThat(driver.findElement(By.id("staff")).getText()).isEqualTo("maria");
        chromium.screenshot("frontdesk");

        driver.findElement(By.id("phone")).sendKeys("415 555 0142");
        driver.findElement(By.id("name")).sendKeys("Ana");
        new Select(driver.findElement(By.id("location"))).selectByVisibleText("Lobby kiosk");
        driver.findElement(By.id("agreed")).click();
        submitAndWaitFor(driver.findElement(By.cssSelector("form:not([action]) button[type=submit]")), "Front desk");
        assertThat(driver.findElement(By.id("recorded")).getText()).contains("Lobby kiosk", "by maria");
        chromium.screenshot("frontdesk-recorded");

        ConsentRecord row = web.tracker.status("+14155550142").orElseThrow();
        assertThat(row.metadata()).containsEntry(FrontDeskPage.STAFF_MEMBER, "maria")
                .containsEntry(FrontDeskPage.LOCATION, "Lobby kiosk");
        assertThat(row.consentMessage()).isEqualTo(web.frontDesk.consentText());
    }

    @Test
    void aFormWithoutTheSessionsTokenIsRefused() {
        open("/frontdesk");
        logIn();
        submitAndWaitFor(driver.findElement(By.cssSelector("button[type=submit]")), "Front desk");
        open("/test/forged");
        submitAndWaitFor(driver.findElement(By.id("go")), "Refused: security token");
        assertThat(driver.getPageSource()).contains("security token (CSRF) is missing or does not match");
        chromium.screenshot("csrf-refused");
        assertThat(web.tracker.history("+14155550199")).isEmpty();
    }
}
