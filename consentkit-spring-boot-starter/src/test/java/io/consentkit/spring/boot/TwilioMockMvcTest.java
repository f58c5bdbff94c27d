package io.consentkit.spring.boot;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.twilio.TwilioWebhooks;
import io.consentkit.twilio.WebhookRequest;
import io.consentkit.twilio.WebhookResponse;
import io.consentkit.twilio.WebhookVerifier;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.consentkit.spring.boot.test.TwilioMockMvc.twilioSignature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The MockMvc signer against an app's own controller that hands the request to ConsentKit's handler. */
class TwilioMockMvcTest {
    private static final String TOKEN = "12345678901234567890123456789012";
    private final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).build();
    private final TwilioWebhooks webhooks = TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker).build();
    private final MockMvc mockMvc = MockMvcBuilders.standaloneSetup(new SmsController(webhooks)).build();

    @AfterEach
    void close() {
        tracker.close();
    }

    @Test
    void aSignedStopIsAcceptedAndAForgedOneRefused() throws Exception {
        // snippet: mockmvc-signature
        mockMvc.perform(post("/sms").param("From", "+15125550100").param("Body", "STOP").param("MessageSid", "SM1")
                        .with(twilioSignature(TOKEN)))
                .andExpect(status().isOk());
        // end snippet
        assertThat(tracker.isOptedOut("+15125550100")).isTrue();

        mockMvc.perform(post("/sms").param("From", "+15125550101").param("Body", "STOP").param("MessageSid", "SM2")
                        .with(twilioSignature("not-the-token")))
                .andExpect(status().isForbidden());
        assertThat(tracker.isOptedOut("+15125550101")).isFalse();
    }

    /** An app's own endpoint that passes the raw request to ConsentKit (as a framework adapter would). */
    @RestController
    static class SmsController {
        private final TwilioWebhooks webhooks;

        SmsController(TwilioWebhooks webhooks) {
            this.webhooks = webhooks;
        }

        @PostMapping("/sms")
        ResponseEntity<String> sms(HttpServletRequest req) throws IOException {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String n : Collections.list(req.getHeaderNames())) {
                headers.put(n, Collections.list(req.getHeaders(n)));
            }
            WebhookResponse r = webhooks.inbound(WebhookRequest.of("POST", URI.create(req.getRequestURL().toString()),
                    headers, req.getInputStream().readAllBytes()));
            return ResponseEntity.status(r.status()).body(r.body());
        }
    }
}
