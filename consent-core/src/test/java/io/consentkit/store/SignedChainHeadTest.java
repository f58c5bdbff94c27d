package io.consentkit.store;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.journal.JournalVerifier.Problem;
import io.consentkit.journal.SignedChainHead;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A signed chain head: a third party checks a journal with only the public key. */
class SignedChainHeadTest {
    private static final Instant T = Instant.parse("2026-04-01T08:00:00Z");
    private static KeyPair business;
    private static KeyPair stranger;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        business = g.generateKeyPair();
        stranger = g.generateKeyPair();
    }

    private Path journal(int n) {
        Path f = dir.resolve("consents.csv");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            for (int i = 1; i <= n; i++) {
                s.append(List.of(new ConsentRecord("r" + i, T.plusSeconds(i), PhoneNumber.of("+1512555010" + i),
                        "keyword", "Reply STOP to end", "", "", "", "", "", Map.of(), ConsentStatus.ACTIVE, null, "")));
            }
        }
        return f;
    }

    /** What the third party holds: the head's text and the public key's PEM, nothing else. */
    private static JournalVerifier.Result check(Path journal, String headText, String publicPem) {
        SignedChainHead head = SignedChainHead.parse(headText, "head.txt");
        PublicKey key = SignedChainHead.publicKeyFromPem(publicPem);
        assertThat(head.verifies(key)).as("the head's signature").isTrue();
        return JournalVerifier.verify(journal, JournalVerifier.Options.DEFAULTS.withExpectedHead(head));
    }

    @Test
    void aSignedHeadVerifiesWithOnlyThePublicKeyAndLaterRowsStayOutsideIt() throws IOException {
        Path f = journal(3);
        SignedChainHead head = SignedChainHead.sign(JournalVerifier.verify(f), business.getPrivate(),
                business.getPublic(), SettableClock.at(T.plusSeconds(60)));
        String text = head.toText();
        assertThat(text).startsWith("consentkit-chain-head: 1\nrows: 3\nchain_link: ")
                .contains("signed_at: 2026-04-01T08:01:00Z\nkey_id: " + SignedChainHead.keyId(business.getPublic()))
                .contains("algorithm: Ed25519\nsignature: ");
        String pem = SignedChainHead.toPem(business.getPublic());
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(SignedChainHead.parse(text, "head.txt")).isEqualTo(head);
        JournalVerifier.Result r = check(f, text, pem);
        assertThat(r.ok()).isTrue();
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            s.append(List.of(new ConsentRecord("r4", T.plusSeconds(4), PhoneNumber.of("+15125550104"), "keyword", "x",
                    "", "", "", "", "", Map.of(), ConsentStatus.ACTIVE, null, "")));
        }
        assertThat(check(f, text, pem).ok()).as("a row appended later does not break the signed prefix").isTrue();
    }

    @Test
    void tamperingAfterSigningIsDetected() throws IOException {
        Path f = journal(4);
        String text = SignedChainHead.sign(JournalVerifier.verify(f), business.getPrivate(), business.getPublic(),
                SettableClock.at(T)).toText();
        String pem = SignedChainHead.toPem(business.getPublic());
        byte[] good = Files.readAllBytes(f);

        // the whole chain rewritten consistently after a change: only the signed head shows it
        Path forged = dir.resolve("forged.csv");
        try (CsvConsentStore s = CsvConsentStore.open(forged)) {
            for (int i = 1; i <= 4; i++) {
                s.append(List.of(new ConsentRecord("r" + i, T.plusSeconds(i), PhoneNumber.of("+1512555010" + i),
                        "keyword", i == 2 ? "Reply STOP to end!" : "Reply STOP to end", "", "", "", "", "", Map.of(),
                        ConsentStatus.ACTIVE, null, "")));
            }
        }
        assertThat(JournalVerifier.verify(forged).ok()).isTrue();
        JournalVerifier.Break b = check(forged, text, pem).firstBreak();
        assertThat(b.problem()).isEqualTo(Problem.HEAD);
        assertThat(b.row()).isEqualTo(4);

        // rows cut off at a row boundary: named at the first missing row
        String all = new String(good, java.nio.charset.StandardCharsets.UTF_8);
        int cut = all.lastIndexOf('\n', all.length() - 2) + 1;
        Files.writeString(f, all.substring(0, cut));
        assertThat(JournalVerifier.verify(f).ok()).as("without the head a clean cut is invisible").isTrue();
        b = check(f, text, pem).firstBreak();
        assertThat(b.problem()).isEqualTo(Problem.TRUNCATED);
        assertThat(b.row()).isEqualTo(4);

        // the head itself edited: its signature no longer holds
        String more = text.replace("rows: 4", "rows: 3");
        assertThat(SignedChainHead.parse(more, "head.txt").verifies(business.getPublic())).isFalse();
    }

    @Test
    void aWrongKeyFailsClearly() throws IOException {
        Path f = journal(2);
        SignedChainHead head = SignedChainHead.sign(JournalVerifier.verify(f), business.getPrivate(),
                business.getPublic(), SettableClock.at(T));
        assertThat(head.verifies(stranger.getPublic())).isFalse();
        assertThat(head.keyId()).isNotEqualTo(SignedChainHead.keyId(stranger.getPublic()));
        assertThatThrownBy(() -> SignedChainHead.sign(JournalVerifier.verify(f), stranger.getPrivate(),
                business.getPublic(), SettableClock.at(T))).isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("key"))
                .hasMessageContaining("does not belong to the public key");
        assertThatThrownBy(() -> SignedChainHead.publicKeyFromPem("not a key")).isInstanceOfSatisfying(
                InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("public_key"));
        String privatePem = SignedChainHead.toPem(business.getPrivate());
        assertThat(Arrays.equals(SignedChainHead.privateKeyFromPem(privatePem).getEncoded(),
                business.getPrivate().getEncoded())).isTrue();
        assertThatThrownBy(() -> SignedChainHead.publicKeyFromPem(privatePem)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("BEGIN PUBLIC KEY");
    }

    @Test
    void aBrokenChainIsNotSigned() throws IOException {
        Path f = journal(3);
        String text = Files.readString(f);
        Files.writeString(f, text.replace("r2,", "r7,"));
        assertThatThrownBy(() -> SignedChainHead.sign(JournalVerifier.verify(f), business.getPrivate(),
                business.getPublic(), SettableClock.at(T))).isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("journal"))
                .hasMessageContaining("row 2");
    }
}
