package io.consentkit.s3;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;

import java.time.Instant;
import java.util.Map;

/** Small journal rows for store-level tests. */
final class ConsentRecordFixtures {
    private ConsentRecordFixtures() {
    }

    static ConsentRecord row(String id, String phone, Instant ts) {
        return new ConsentRecord(id, ts, PhoneNumber.of(phone), "web_form",
                "I agree to receive texts from Basin Climbing. Reply STOP to opt out.", "cust-" + id, "Ann", "", "", "",
                Map.of(), ConsentStatus.ACTIVE, null, "");
    }
}
