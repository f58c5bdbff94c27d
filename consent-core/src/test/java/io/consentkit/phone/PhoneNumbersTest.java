package io.consentkit.phone;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PhoneNumbersTest {
    private final PhoneNumbers us = PhoneNumbers.defaults();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "5125551234|+15125551234",
        "512-555-9999|+15125559999",
        "(206) 555-0199|+12065550199",
        "+1 512 555 5678|+15125555678",
        "+442079460958|+442079460958",
        "  +1 (512) 555-1234 |+15125551234",
        "+15125551234|+15125551234",
    })
    void acceptsCommonForms(String input, String e164) {
        assertThat(us.parse(input).e164()).isEqualTo(e164);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "''|EMPTY",
        "'   '|EMPTY",
        "NULL|EMPTY",
        "abc|NOT_A_NUMBER",
        "+1 555 555 5555|INVALID_FOR_REGION",
        "+15555555555|INVALID_FOR_REGION",
        "12345|TOO_SHORT",
        "1234567890123456789012345678901234567890|TOO_LONG",
        "+99912345678|INVALID_COUNTRY_CODE",
    })
    void rejectsBadInputWithAReason(String input, InvalidPhoneNumberException.Reason reason) {
        InvalidPhoneNumberException e = catchThrowableOfType(InvalidPhoneNumberException.class, () -> us.parse(input));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.field()).isEqualTo("phone_number");
        assertThat(e).isInstanceOf(InvalidInputException.class);
        assertThat(e.getMessage()).contains(reason.text());
    }

    @Test
    void errorMessageMasksTheInput() {
        assertThatThrownBy(() -> us.parse("+1 555 555 5555"))
                .hasMessageNotContaining("555 555")
                .hasMessageContaining("55")
                .hasMessageContaining("*");
        InvalidPhoneNumberException e = catchThrowableOfType(InvalidPhoneNumberException.class,
                () -> us.parse("1234567890123456789012345678901234567890"));
        assertThat(e.maskedInput()).doesNotContain("12345678");
    }

    @Test
    void canonicalFastPathAgreesWithFullParser() {
        for (String s : new String[] {"+15125551234", "+442079460958", "+4915112345678", "+61412345678",
                "+819012345678", "+33612345678", "+390612345678", "+12065550199"}) {
            PhoneNumber fast = us.parse(s);
            PhoneNumber slow = us.parse(s.substring(0, 3) + " " + s.substring(3));
            assertThat(fast).isEqualTo(slow);
        }
        // Italy keeps a significant leading zero: the fast path defers to the full parser
        assertThat(us.parse("+390612345678").e164()).isEqualTo("+390612345678");
    }

    @Test
    void otherDefaultRegions() {
        PhoneNumbers gb = PhoneNumbers.forRegion("gb");
        assertThat(gb.parse("020 7946 0958").e164()).isEqualTo("+442079460958");
        assertThat(gb.defaultRegion()).isEqualTo("GB");
        assertThatThrownBy(() -> PhoneNumbers.forRegion("XX")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("XX");
    }

    @Test
    void toStringIsMasked() {
        PhoneNumber p = PhoneNumber.of("+15125551234");
        assertThat(p.toString()).isEqualTo("+*********34").doesNotContain("512555");
        assertThat(p.e164()).isEqualTo("+15125551234");
        assertThat(us.isValid("5125551234")).isTrue();
        assertThat(us.isValid("abc")).isFalse();
    }
}
