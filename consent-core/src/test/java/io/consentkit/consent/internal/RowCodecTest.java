package io.consentkit.consent.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every row decodes to exactly the record it was, whatever shape its fields have. */
class RowCodecTest {
    private static final PhoneNumber PHONE = new PhoneNumber("+15125550100");
    private static final Instant T = Instant.parse("2025-06-01T15:00:00Z");

    private final RowCodec codec = new RowCodec(new TextPool());

    private ConsentRecord roundTrip(ConsentRecord r) {
        RowCodec.Out out = new RowCodec.Out(16);
        codec.encode(r, out);
        RowCodec.Header h = new RowCodec.Header();
        int body = RowCodec.readHeader(out.buffer(), 0, h);
        assertThat(h.end).isEqualTo(out.size());
        return codec.decode(out.buffer(), h, body, PHONE);
    }

    private static ConsentRecord row(String customerId, String email, String ip, Map<String, String> md,
            Instant at, Instant revokedAt) {
        return new ConsentRecord("00000000000000ab", at, PHONE, "web_form", "Reply STOP to opt out", customerId,
                "Zoë O'Brien", email, ip, "https://example.com/s/1.png", md,
                revokedAt == null ? ConsentStatus.ACTIVE : ConsentStatus.REVOKED, revokedAt,
                revokedAt == null ? "" : "stop_keyword");
    }

    @Test
    void decimalsIpAddressesAndEmailsOfEveryShapeRoundTrip() {
        List<String> ids = List.of("", "0", "00", "007", "1", "1000123", "123456789012345678", "1234567890123456789",
                "-1", "12a", "٣");
        List<String> ips = List.of("", "0.0.0.0", "255.255.255.255", "203.0.113.45", "256.1.1.1", "01.2.3.4",
                "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", "::1", "2001:db8::1", "1.2.3.4 ");
        List<String> emails = List.of("", "a@b", "jane.123@example.com", "@example.com", "jane@", "a@b@c",
                "no-at-sign", "zoë@bücher.de", "1234@5678");
        for (String id : ids) {
            for (String ip : ips) {
                for (String email : emails) {
                    ConsentRecord r = row(id, email, ip, Map.of(), T, null);
                    assertThat(roundTrip(r)).as(id + " / " + ip + " / " + email).isEqualTo(r);
                }
            }
        }
    }

    @Test
    void timesOfEveryPrecisionAndEraRoundTrip() {
        List<Instant> times = List.of(T, Instant.EPOCH, Instant.parse("1969-12-31T23:59:59Z"),
                Instant.ofEpochSecond(RowCodec.BASE), Instant.parse("2999-12-31T23:59:59Z"), T.plusMillis(1),
                T.plusNanos(1), Instant.parse("1900-01-01T00:00:00.123456789Z"));
        for (Instant at : times) {
            for (Instant revoked : times) {
                ConsentRecord r = row("c1", "a@b", "", Map.of(), at, revoked); // revoked before, at or after
                assertThat(roundTrip(r)).as(at + " / " + revoked).isEqualTo(r);
            }
            ConsentRecord active = row("c1", "a@b", "", Map.of(), at, null);
            assertThat(roundTrip(active)).isEqualTo(active);
        }
    }

    @Test
    void repeatedTextsArePooledFromTheirThirdSightingAndUniqueOnesNever() {
        Map<String, String> md = new LinkedHashMap<>();
        md.put("form_url", "https://example.com/sms-signup?src=42");
        md.put("location", "Basin Climbing");
        md.put("k", "abc"); // too short to pool
        int[] sizes = new int[5];
        for (int i = 0; i < sizes.length; i++) {
            Map<String, String> m = new LinkedHashMap<>(md);
            m.put("message_sid", "SM" + Long.toHexString(0x1234_5678_9abcL * (i + 1))); // unique
            ConsentRecord r = row("c" + i, "jane." + i + "@example.com", "", m, T, null);
            RowCodec.Out out = new RowCodec.Out(16);
            codec.encode(r, out); // once: each encoding is a sighting
            sizes[i] = out.size();
            RowCodec.Header h = new RowCodec.Header();
            int body = RowCodec.readHeader(out.buffer(), 0, h);
            assertThat(codec.decode(out.buffer(), h, body, PHONE)).isEqualTo(r);
        }
        // the first two rows hold the repeated texts inline; from the third, about 50 bytes fewer
        assertThat(sizes[0]).isEqualTo(sizes[1]);
        assertThat(sizes[1] - sizes[2]).isGreaterThan(40);
        assertThat(sizes[3]).isEqualTo(sizes[4]);
    }

    @Test
    void valuesOutsideEachCompactShapeAreKeptAsText() {
        assertThat(Values.decimal("0")).isZero();
        assertThat(Values.decimal("007")).isEqualTo(-1);
        assertThat(Values.decimal("999999999999999999")).isEqualTo(999_999_999_999_999_999L);
        assertThat(Values.decimal("1000000000000000000")).isEqualTo(-1);
        assertThat(Values.ipv4("10.0.0.1")).isEqualTo(0x0A000001L);
        assertThat(Values.ipv4("255.255.255.255")).isEqualTo(0xFFFFFFFFL);
        assertThat(Values.ipv4("10.0.0.01")).isEqualTo(-1);
        assertThat(Values.ipv4("10.0.0.1.")).isEqualTo(-1);
        assertThat(Values.ipv4("10.0.0")).isEqualTo(-1);
    }
}
