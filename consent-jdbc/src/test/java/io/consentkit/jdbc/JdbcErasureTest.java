package io.consentkit.jdbc;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ErasureKey;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.journal.OptInMethod;
import io.consentkit.journal.Redaction;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.retention.Erasure;
import io.consentkit.retention.ErasureResult;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Erasure in the JDBC store on embedded PostgreSQL: every cell of every row searched for the person
 * afterwards, the number kept opted out under the key, the others untouched, the chains verifiable
 * after the erasure and after further appends by every writer, and a refused erasure changing nothing.
 */
@Timeout(120)
class JdbcErasureTest {
    static final String ANN = "+15125551234";
    static final String BOB = "+15125556789";
    static final String TEXT = "Basin Climbing: route news, up to 4 msgs/mo. Reply STOP to opt out.";
    static final List<String> ANN_TRACES = List.of(ANN, "15125551234", "5125551234", "Ann Example", "ann@example.com",
            "203.0.113.7", "cust-ann-77", "ann-newsletter", "https://shots.example/ann.png", "bouldering-ann");

    final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");
    final ErasureKey key = ErasureKey.of("k".repeat(32).getBytes(StandardCharsets.UTF_8));

    static JdbcConsentStore store(DataSource db) {
        return JdbcConsentStore.builder(db).tablePrefix("erase_").createSchema(true).build();
    }

    /** Every column of every row, as PostgreSQL prints the row, in id order. */
    static List<String> dump(DataSource db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT j::text FROM erase_journal j ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Ann's two consents (one by each writer, one with every personal field) and Bob's, with a revocation of Bob's. */
    void history(DataSource db) {
        try (ConsentTracker t = ConsentTracker.builder(store(db)).clock(clock).brand("Basin").build()) {
            t.recordConsent(ConsentRequest.builder(ANN, OptInMethod.WEB_FORM, TEXT).customerId("cust-ann-77")
                    .customerName("Ann Example").customerEmail("ann@example.com").ipAddress("203.0.113.7")
                    .screenshotUrl("https://shots.example/ann.png").metadata("ref", "ann-newsletter").build());
            t.recordConsent(ConsentRequest.builder(BOB, OptInMethod.WEB_FORM, TEXT).customerName("Bob Other")
                    .customerEmail("bob@example.com").build());
            clock.advance(Duration.ofMinutes(1));
        }
        try (JdbcConsentStore other = store(db)) {
            other.append(List.of(new ConsentRecord("c-ann-2", clock.instant(), PhoneNumber.of(ANN), "keyword", TEXT, "",
                    "Ann Example", "", "", "", Map.of("interest", "bouldering-ann"), ConsentStatus.ACTIVE, null, "")));
        }
    }

    Erasure erasure(JdbcConsentStore store) {
        return Erasure.builder(store).key(key).clock(clock).build();
    }

    @Test
    void anErasedPersonLeavesNoTraceInAnyCellAndStaysOptedOut() throws Exception {
        DataSource db = LocalPostgres.newDatabase();
        history(db);
        List<String> before = dump(db);
        List<String> bobBefore = before.stream().filter(r -> r.contains(BOB)).toList();
        assertThat(String.join("\n", before)).contains(ANN_TRACES);

        ErasureResult r;
        try (JdbcConsentStore eraser = store(db)) {
            r = erasure(eraser).erase(ANN, "GDPR request 7");
        }
        assertThat(r.journalRows()).isEqualTo(2);
        assertThat(r.revoked()).isEqualTo(2);

        List<String> after = dump(db);
        String all = String.join("\n", after);
        for (String trace : ANN_TRACES) {
            assertThat(all).as("a trace of Ann in the table: " + trace).doesNotContain(trace);
        }
        assertThat(all).contains(Redaction.MARKER).contains("GDPR request 7").contains(TEXT);
        assertThat(after).as("Bob's row byte for byte").containsAll(bobBefore);
        assertThat(after).hasSize(before.size() + 3); // two revocations and the erasure row

        try (JdbcConsentStore reader = store(db)) {
            List<JournalVerifier.Result> chains = reader.verifyChain();
            assertThat(chains).hasSize(3).allSatisfy(c -> assertThat(c.ok()).as(c.source() + ": " + c.firstBreak())
                    .isTrue());
            assertThat(chains.stream().mapToLong(JournalVerifier.Result::redactedRows).sum())
                    .as("Ann's two rows and the two revocations are linked by their recorded digests").isEqualTo(4);
        }

        try (ConsentTracker t = ConsentTracker.builder(store(db)).clock(clock).erasureKey(key).build()) {
            assertThat(t.isOptedOut(ANN)).isTrue();
            assertThat(t.isActive(BOB)).isTrue();
            GuardedSender s = GuardedSender.builder(t, FakeSmsGateway.builder().clock(clock).build()).clock(clock)
                    .build();
            assertThat(s.send(OutboundMessage.transactional(ANN, "Your order shipped")).sent())
                    .as("the erased number is refused").isFalse();
            assertThat(s.send(OutboundMessage.transactional(BOB, "Your order shipped")).sent()).isTrue();
        }
        try (JdbcConsentStore plain = store(db)) {
            assertThatThrownBy(() -> ConsentTracker.builder(plain).clock(clock).build())
                    .as("a tracker without the key refuses to open over an erasure")
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("erasureKey"));
        }
    }

    /**
     * PostgreSQL keeps an updated row's old version in the table's pages: the VACUUM after the commit
     * removes them. Read from the table's data file itself (after a CHECKPOINT writes the pages out):
     * without that VACUUM the old versions, number and name, are still in it.
     */
    @Test
    void theTablesDataFileKeepsNoOldVersionOfTheErasedRows() throws Exception {
        DataSource db = LocalPostgres.newDatabase();
        history(db);
        assertThat(dataFile(db)).contains(ANN).contains("Ann Example");
        try (JdbcConsentStore eraser = store(db)) {
            erasure(eraser).erase(ANN, "GDPR request 15");
        }
        String file = dataFile(db);
        for (String trace : ANN_TRACES) {
            assertThat(file).as("a trace of Ann in the table's data file: " + trace).doesNotContain(trace);
        }
        assertThat(file).contains("Bob Other");
    }

    /** The journal table's data file as bytes (Latin-1, so every byte is one char), after a CHECKPOINT. */
    private static String dataFile(DataSource db) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
            try (ResultSet rs = st.executeQuery("SELECT pg_read_binary_file(pg_relation_filepath('erase_journal'))")) {
                rs.next();
                return new String(rs.getBytes(1), StandardCharsets.ISO_8859_1);
            }
        }
    }

    @Test
    void everyWriterAppendsAfterTheErasureAndTheChainsStillVerify() throws Exception {
        DataSource db = LocalPostgres.newDatabase();
        history(db);
        try (JdbcConsentStore a = store(db); JdbcConsentStore eraser = store(db)) {
            a.append(List.of(row("before-1", "+15125550001")));
            erasure(eraser).erase(ANN, "GDPR request 8");
            a.append(List.of(row("after-a1", "+15125550002"), row("after-a2", "+15125550003")));
            eraser.append(List.of(row("after-e1", "+15125550004")));
            List<JournalVerifier.Result> chains = eraser.verifyChain();
            assertThat(chains).allSatisfy(c -> assertThat(c.ok()).as(c.source() + ": " + c.firstBreak()).isTrue());
            assertThat(chains.stream().mapToLong(JournalVerifier.Result::chainedRows).sum())
                    .isEqualTo(dump(db).size());
            assertThat(chains).anySatisfy(c -> assertThat(c.chainedRows()).as("the erasing writer: two revocations, "
                    + "the erasure row and its next append in one chain").isEqualTo(4));

            exec(db, "UPDATE erase_journal SET customer_name = 'Mallory' WHERE consent_id = 'after-a1'");
            assertThat(eraser.verifyChain()).anySatisfy(c -> assertThat(c.firstBreak()).isNotNull()
                    .satisfies(b -> assertThat(b.problem()).isEqualTo(JournalVerifier.Problem.DIGEST)));
        }
    }

    @Test
    void anErasureRowVouchesOnlyForRowsWrittenBeforeIt() throws Exception {
        DataSource db = LocalPostgres.newDatabase();
        history(db);
        try (JdbcConsentStore a = store(db); JdbcConsentStore eraser = store(db)) {
            erasure(eraser).erase(ANN, "GDPR request 9");
            // a later row of a consent the erasure row lists, then changed: not vouched for, so caught
            a.append(List.of(row("c-ann-2", "+15125550005")));
            exec(db, "UPDATE erase_journal SET customer_name = 'Mallory' WHERE id = (SELECT max(id) FROM erase_journal)");
            assertThat(eraser.verifyChain()).anySatisfy(c -> assertThat(c.firstBreak()).isNotNull()
                    .satisfies(b -> assertThat(b.problem()).isEqualTo(JournalVerifier.Problem.DIGEST)));
        }
    }

    @Test
    void anUnknownNumberChangesNoRow() throws Exception {
        DataSource db = LocalPostgres.newDatabase();
        history(db);
        List<String> before = dump(db);
        try (JdbcConsentStore eraser = store(db)) {
            assertThatThrownBy(() -> erasure(eraser).erase("+15125550999", "request 10"))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("phone"));
            assertThat(dump(db)).isEqualTo(before);
            eraser.append(List.of(row("later", "+15125550006")));
            assertThat(eraser.verifyChain()).allSatisfy(c -> assertThat(c.ok()).isTrue());
        }
    }

    @Test
    void erasingTheSameNumberAgainChangesNothing() throws Exception {
        DataSource db = LocalPostgres.newDatabase();
        history(db);
        try (JdbcConsentStore eraser = store(db)) {
            erasure(eraser).erase(ANN, "GDPR request 11");
            List<String> once = dump(db);
            ErasureResult again = erasure(eraser).erase(ANN, "GDPR request 11");
            assertThat(again.journalRows()).isZero();
            assertThat(again.completed()).isEqualTo(1);
            assertThat(dump(db)).isEqualTo(once);
        }
    }

    static ConsentRecord row(String id, String phone) {
        return new ConsentRecord(id, java.time.Instant.parse("2026-01-16T10:00:00Z"), PhoneNumber.of(phone), "web_form",
                TEXT, "", "Someone Else", "", "", "", Map.of(), ConsentStatus.ACTIVE, null, "");
    }

    static void exec(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
