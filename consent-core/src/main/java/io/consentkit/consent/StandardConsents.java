package io.consentkit.consent;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.OptInMethod;

/**
 * The requests behind the tracker's {@code record...Consent} shortcuts: the standardized text of the
 * method and its evidence in metadata. Stateless; thread-safe.
 */
final class StandardConsents {
    private StandardConsents() {
    }

    static ConsentRequest webForm(ConsentTexts texts, String phone, String customerId, String customerName,
                                  String customerEmail, String ipAddress, String formUrl) {
        ConsentRequest.Builder req = ConsentRequest.builder(phone, OptInMethod.WEB_FORM, texts.webForm())
                .customerId(customerId).customerName(customerName).customerEmail(customerEmail).ipAddress(ipAddress);
        if (formUrl != null && !formUrl.isBlank()) {
            req.metadata("form_url", formUrl.strip());
        }
        return req.build();
    }

    static ConsentRequest keyword(ConsentTexts texts, String phone, String keyword, String customerId,
                                  String messageSid, String inboundBody) {
        String kw = InvalidInputException.requireText("keyword", keyword);
        ConsentRequest.Builder req = ConsentRequest.builder(phone, OptInMethod.KEYWORD, texts.keyword(kw))
                .customerId(customerId).metadata("keyword", kw);
        if (messageSid != null && !messageSid.isBlank()) {
            req.metadata("message_sid", messageSid.strip());
        }
        if (inboundBody != null) {
            req.metadata("inbound_body", inboundBody);
        }
        return req.build();
    }

    static ConsentRequest inPerson(ConsentTexts texts, String phone, String customerId, String customerName,
                                   String staffMember, String location) {
        ConsentRequest.Builder req = ConsentRequest.builder(phone, OptInMethod.IN_PERSON, texts.inPerson())
                .customerId(customerId).customerName(customerName);
        if (staffMember != null && !staffMember.isBlank()) {
            req.metadata("staff_member", staffMember.strip());
        }
        if (location != null && !location.isBlank()) {
            req.metadata("location", location.strip());
        }
        return req.build();
    }
}
