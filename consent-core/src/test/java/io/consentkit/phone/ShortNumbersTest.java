package io.consentkit.phone;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Valid E.164 numbers shorter than eight digits (small numbering plans) are numbers like any other. */
@Timeout(30)
class ShortNumbersTest {
    private final PhoneNumbers us = PhoneNumbers.defaults();

    @ParameterizedTest
    @ValueSource(strings = {"+6907290", "+2908999"}) // Tokelau, Saint Helena / Tristan da Cunha
    void sevenDigitNumbersParseInEveryForm(String e164) {
        assertThat(us.parse(e164).e164()).isEqualTo(e164);
        assertThat(PhoneNumber.of(e164).e164()).isEqualTo(e164);
        assertThat(new PhoneNumber(e164).e164()).isEqualTo(e164);
        assertThat(us.parse(e164.substring(0, 4) + " " + e164.substring(4)).e164()).isEqualTo(e164);
        assertThat(us.parseStored(e164, "phone_number").e164()).isEqualTo(e164);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "+6831234|INVALID_FOR_REGION", // Niue: possible length, not an assigned range
        "+12345|TOO_SHORT",
        "+1234567|TOO_SHORT",
        "+9991234|INVALID_COUNTRY_CODE",
        "+690729|TOO_SHORT",
    })
    void shortGarbageIsStillRejected(String input, InvalidPhoneNumberException.Reason reason) {
        InvalidPhoneNumberException e = catchThrowableOfType(InvalidPhoneNumberException.class, () -> us.parse(input));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
    }

    @Test
    void theTrackerKeepsConsentForShortNumbers() {
        try (ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin").build()) {
            tracker.recordInPersonConsent("+6907290", "c1", "Tala", "desk", "Fakaofo");
            assertThat(tracker.isActive("+6907290")).isTrue();
            assertThat(tracker.history("+6907290")).hasSize(1);
            tracker.revoke(PhoneNumber.of("+2908999"), RevocationMethod.CUSTOMER_REQUEST, "");
            assertThat(tracker.isOptedOut("+2908999")).isTrue();
            assertThat(tracker.isOptedOut("+6907290")).isFalse();
        }
    }
}
