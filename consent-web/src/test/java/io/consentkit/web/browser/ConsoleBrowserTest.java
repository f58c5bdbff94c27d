package io.consentkit.web.browser;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.web.WebFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console in real headless Chromium (page JavaScript off) on 127.0.0.1: a person opts in on the
 * public page and answers Y on a signed webhook; the operator logs in, sees the opt-in on the dashboard, searches
 * the number (shown masked, the full number nowhere in the page), reveals it, revokes it with a note, and looks
 * at the lists. Screenshots of each console page in target/screenshots.
 */
@RequiresChromium
class ConsoleBrowserTest {
    static final String PERSON = "+14158675309";
    static final String MASKED = "+*********09";
    @TempDir
    static Path dir;
    static WebFixture web;
    static Chromium chromium;
    static WebDriver driver;

    @BeforeAll
    static void start() {
        web = new WebFixture(dir);
        chromium = new Chromium();
        driver = chromium.driver;
        driver.manage().window().setSize(new Dimension(1280, 1000)); // the console's tables are wide
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

    private static void clickAndWaitFor(String id, String title) {
        driver.findElement(By.id(id)).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs(title));
    }

    @Test
    void logInSearchMaskedRevealAndRevoke() throws Exception {
        driver.get(web.base() + "/optin");
        driver.findElement(By.id("phone")).sendKeys("(415) 867-5309");
        driver.findElement(By.id("consent")).click();
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs("Check your phone"));
        assertThat(web.textFrom(PERSON, "Y")).isEqualTo(200);
        assertThat(web.tracker.isActive(PERSON)).isTrue();

        driver.get(web.base() + "/console/");
        assertThat(driver.getTitle()).isEqualTo("Console login");
        driver.findElement(By.id("user")).sendKeys("maria");
        driver.findElement(By.id("password")).sendKeys(WebFixture.PASSWORD);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.titleIs("Dashboard - ConsentKit console"));
        assertThat(driver.findElement(By.id("operator")).getText()).isEqualTo("maria");
        assertThat(driver.findElements(By.cssSelector("svg.chart"))).hasSizeGreaterThanOrEqualTo(4);
        assertThat(driver.getPageSource()).contains("1 opt-ins");
        chromium.screenshot("console-dashboard");

        driver.findElement(By.id("q")).sendKeys("415-867-5309");
        clickAndWaitFor("search", "Number " + MASKED + " - ConsentKit console");
        assertThat(driver.getCurrentUrl()).doesNotContain("8675309");
        assertThat(driver.findElement(By.id("number")).getText()).isEqualTo(MASKED);
        assertThat(driver.getPageSource()).doesNotContain(PERSON).doesNotContain("8675309")
                .contains("may be texted (active)").contains("127.0.0.1");
        chromium.screenshot("console-number-masked");

        clickAndWaitFor("reveal", "Number " + PERSON + " - ConsentKit console");
        assertThat(driver.findElement(By.id("number")).getText()).isEqualTo(PERSON);
        chromium.screenshot("console-number-revealed");

        driver.findElement(By.id("notes")).sendKeys("asked at the front desk");
        clickAndWaitFor("revoke", "Number " + MASKED + " - ConsentKit console");
        assertThat(driver.getPageSource()).contains("Revoked").contains("opted out").contains("customer_request");
        chromium.screenshot("console-number-revoked");
        assertThat(web.tracker.isOptedOut(PERSON)).isTrue();
        ConsentRecord last = web.tracker.history(PERSON).get(web.tracker.history(PERSON).size() - 1);
        assertThat(last.channel()).isEqualTo("agent");
        assertThat(last.metadata()).containsEntry("revoke_operator", "maria")
                .containsEntry("revoke_notes", "asked at the front desk");

        driver.get(web.base() + "/console/sends");
        assertThat(driver.getTitle()).isEqualTo("Send log - ConsentKit console");
        assertThat(driver.getPageSource()).contains("SENT").doesNotContain(PERSON);
        chromium.screenshot("console-send-log");
        driver.get(web.base() + "/console/pending");
        assertThat(driver.getTitle()).isEqualTo("Pending confirmations - ConsentKit console");
        chromium.screenshot("console-pending");
        driver.get(web.base() + "/console/");
        assertThat(driver.getPageSource()).contains("1 opt-outs");
        chromium.screenshot("console-dashboard-after");
    }
}
