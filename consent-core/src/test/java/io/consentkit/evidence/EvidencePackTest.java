package io.consentkit.evidence;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.consent.UnknownScopeException;
import io.consentkit.journal.OptInMethod;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.send.CsvSendLog;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The evidence pack from a real CSV journal and a real send log written by the guarded sender. */
class EvidencePackTest {
    static final String ANN = "+15125551234";
    static final String BOB = "+15125556789";
    static final String WEB_TEXT = "Basin Climbing: route-setting news, up to 4 msgs/mo. Msg & data rates may apply. "
            + "Reply STOP to opt out, HELP for help. <b>\"Agree\"</b>";
    static final String KEYWORD_TEXT = "Basin Climbing: you joined alerts. Reply STOP to opt out.";
    static final String WELCOME = "Basin Climbing: new routes this week! Reply STOP to opt out.";
    static final String STOP_REPLY = "Basin Climbing: you are unsubscribed. Reply START to resubscribe.";

    @TempDir
    Path dir;
    final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");

    Path journal() {
        return dir.resolve("consents.csv");
    }

    /** Two web opt-ins and a keyword opt-in in January, a STOP in February, three sends of the welcome text. */
    void history() throws Exception {
        Path snaps = Files.createDirectories(dir.resolve("snapshots/optin"));
        Files.writeString(snaps.resolve("page-1.html"), "<html>Basin opt-in page</html>");
        try (ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(journal())).clock(clock).build();
             CsvSendLog log = CsvSendLog.open(dir.resolve("sends.csv"))) {
            tracker.recordConsent(ConsentRequest.builder(ANN, OptInMethod.WEB_FORM, WEB_TEXT)
                    .customerName("Ann Example").customerEmail("ann@example.com").ipAddress("203.0.113.7")
                    .screenshotUrl("https://evidence.example.com/shots/ann.png")
                    .metadata("page_snapshot", "optin/page-1.html")
                    .metadata("page_sha256", "0f".repeat(32)).build());
            clock.advance(Duration.ofDays(3));
            tracker.recordConsent(ConsentRequest.builder(BOB, OptInMethod.WEB_FORM, WEB_TEXT)
                    .screenshotUrl("javascript:alert(1)").build());
            clock.advance(Duration.ofDays(2));
            tracker.recordConsent(ConsentRequest.builder("+15125550000", OptInMethod.KEYWORD, KEYWORD_TEXT).build());
            FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();
            GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock)
                    .zone(ZoneId.of("America/Chicago")).sendLog(log).build();
            for (String to : List.of(ANN, BOB, "+15125550000")) {
                assertThat(sender.send(OutboundMessage.builder(to).body(WELCOME).templateId("welcome").build()).sent())
                        .isTrue();
            }
            clock.advance(Duration.ofDays(20));
            tracker.revoke(BOB, RevocationMethod.STOP_KEYWORD, "STOP");
        }
    }

    EvidenceSummary pack(boolean unmasked) throws Exception {
        try (CsvSendLog log = CsvSendLog.openReadOnly(dir.resolve("sends.csv"));
             CsvConsentStore store = CsvConsentStore.openReadOnly(journal())) {
            return EvidencePack.builder("default").sendLog(log).sample("welcome", WELCOME)
                    .sample("never-sent", "Basin Climbing: a text nobody got.").reply("STOP", STOP_REPLY)
                    .snapshotRoot(dir.resolve("snapshots")).unmasked(unmasked).clock(clock).build()
                    .write(store, dir.resolve("pack.zip"));
        }
    }

    static Map<String, String> unzip(Path zip) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                out.put(e.getName(), new String(z.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static List<String> cellsOf(Document doc, String tag) {
        NodeList nodes = doc.getElementsByTagName(tag);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }

    @Test
    void thePackListsTextsEvidenceSamplesRepliesAndCountsWithNumbersMasked() throws Exception {
        history();
        EvidenceSummary s = pack(false);
        assertThat(s.texts()).isEqualTo(2);
        assertThat(s.consents()).isEqualTo(3);
        assertThat(s.sends()).isEqualTo(3);
        assertThat(s.samples()).isEqualTo(1);
        assertThat(s.snapshots()).isEqualTo(1);
        Map<String, String> files = unzip(dir.resolve("pack.zip"));
        assertThat(files.keySet()).containsExactlyInAnyOrder("snapshots/1-page-1.html", "consent-texts.csv",
                "consents.csv", "evidence.csv", "sends.csv", "samples.csv", "replies.csv", "counts-by-month.csv",
                "index.html");
        assertThat(files.get("snapshots/1-page-1.html")).isEqualTo("<html>Basin opt-in page</html>");
        assertThat(files.get("consent-texts.csv")).contains("2026-01-15T18:00:00Z,2026-01-18T18:00:00Z,2,web_form")
                .contains(KEYWORD_TEXT);
        assertThat(files.get("counts-by-month.csv")).contains("2026-01,keyword,1,0").contains("2026-01,web_form,2,0")
                .contains("2026-02,stop_keyword,0,1");
        assertThat(files.get("samples.csv")).contains("welcome," + WELCOME + ",GSM7,1,3,2026-01-20T18:00:00Z");
        assertThat(files.get("replies.csv")).contains("STOP," + STOP_REPLY + ",GSM7,1,1");
        assertThat(files.get("sends.csv")).contains("welcome,marketing").contains(",3,1,1,");
        assertThat(files.get("evidence.csv")).contains("https://evidence.example.com/shots/ann.png")
                .contains("page_sha256," + "0f".repeat(32)).contains("snapshots/1-page-1.html");
        String all = String.join("\n", files.values());
        assertThat(all).as("numbers masked by default").doesNotContain(ANN).doesNotContain(BOB)
                .doesNotContain("5125550000").contains("+*********34").contains("+*********89");
        assertThat(all).as("personal fields stay out of the pack").doesNotContain("Ann Example")
                .doesNotContain("ann@example.com").doesNotContain("203.0.113.7");

        Document html = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(files.get("index.html").getBytes(StandardCharsets.UTF_8)));
        assertThat(cellsOf(html, "script")).isEmpty();
        List<String> cells = cellsOf(html, "td");
        assertThat(cells).contains(WEB_TEXT, KEYWORD_TEXT, WELCOME, STOP_REPLY, "https://evidence.example.com/shots/ann.png");
        assertThat(files.get("index.html")).as("markup in a consent text is escaped")
                .contains("&lt;b&gt;&quot;Agree&quot;&lt;/b&gt;").doesNotContain("<b>");
        List<String> links = new ArrayList<>();
        NodeList anchors = html.getElementsByTagName("a");
        for (int i = 0; i < anchors.getLength(); i++) {
            links.add(anchors.item(i).getAttributes().getNamedItem("href").getNodeValue());
        }
        assertThat(links).as("only http(s) references and files in the pack are links")
                .containsExactlyInAnyOrder("https://evidence.example.com/shots/ann.png", "snapshots/1-page-1.html");
        assertThat(cellsOf(html, "h2")).contains("Sample messages sent", "Samples not found in the send log",
                "STOP and HELP replies");
    }

    @Test
    void theDocumentedPack() throws Exception {
        history();
        Programs programs = Programs.defaults();
        try (CsvSendLog sendLog = CsvSendLog.openReadOnly(dir.resolve("sends.csv"));
             CsvConsentStore store = CsvConsentStore.openReadOnly(journal())) {
            Path zip = dir.resolve("pack.zip");
            // snippet: evidence-pack
            EvidenceSummary summary = EvidencePack.builder("default").programs(programs).sendLog(sendLog)
                    .sample("welcome", "Basin Climbing: new routes this week! Reply STOP to opt out.")
                    .reply("STOP", "Basin Climbing: you are unsubscribed. Reply START to resubscribe.")
                    .build()
                    .write(store, zip); // index.html and the CSV files; numbers masked
            // end snippet
            assertThat(summary.samples()).isEqualTo(1);
            assertThat(unzip(zip)).containsKey("index.html");
        }
    }

    @Test
    void unmaskedShowsTheNumbers() throws Exception {
        history();
        pack(true);
        assertThat(unzip(dir.resolve("pack.zip")).get("consents.csv")).contains(ANN).contains(BOB);
    }

    @Test
    void anUnknownProgramOrAnEmptySampleIsATypedErrorAndWritesNothing() throws Exception {
        history();
        assertThatThrownBy(() -> EvidencePack.builder("nope").build()).isInstanceOf(UnknownScopeException.class);
        assertThatThrownBy(() -> EvidencePack.builder("default").sample("x", " "))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("sample text");
        assertThat(dir.resolve("pack.zip")).doesNotExist();
        assertThat(Programs.defaults().program("default").name()).isEqualTo("default");
    }
}
