package io.consentkit.examples.chores;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The app's own endpoints: add a family member who agreed to reminders, send a chore reminder, look
 * a member's consent up. The consent checks, quiet hours and caps are the starter's guarded sender.
 * Thread-safe (stateless over thread-safe beans).
 */
@RestController
class ChoreController {
    private final ConsentTracker tracker;
    private final ObjectProvider<GuardedSender> sender;

    ChoreController(ConsentTracker tracker, ObjectProvider<GuardedSender> sender) {
        this.tracker = tracker;
        this.sender = sender;
    }

    /** A parent records, at home, that a member agreed to chore reminders by text. */
    @PostMapping("/members")
    Map<String, Object> addMember(@RequestParam String phone, @RequestParam String name,
                                  @RequestParam(defaultValue = "parent") String recordedBy) {
        ConsentRecord row = tracker.recordInPersonConsent(phone, "", name, recordedBy, "home");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("consentId", row.consentId());
        out.put("status", row.status().name().toLowerCase(java.util.Locale.ROOT));
        return out;
    }

    /** Sends one reminder; the answer is the guarded sender's decision. */
    @PostMapping("/reminders")
    ResponseEntity<Map<String, Object>> remind(@RequestParam String phone, @RequestParam String chore) {
        GuardedSender s = sender.getIfAvailable();
        if (s == null) {
            return ResponseEntity.status(503).body(Map.of("error",
                    "no SMS gateway: set consentkit.twilio.account-sid, CONSENTKIT_TWILIO_AUTHTOKEN and consentkit.twilio.from"));
        }
        SendOutcome outcome = s.send(OutboundMessage.transactional(phone, "Chore reminder: " + chore + ". Reply STOP to opt out."));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outcome", outcome.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        if (outcome instanceof SendOutcome.Blocked b) {
            out.put("reason", b.reason().name());
        } else if (outcome instanceof SendOutcome.Deferred d) {
            out.put("reason", d.reason().name());
            out.put("until", d.until().toString());
        }
        return ResponseEntity.ok(out);
    }

    /** May this member be texted? */
    @GetMapping("/members/status")
    Map<String, Object> status(@RequestParam String phone) {
        return Map.of("optedOut", tracker.isOptedOut(phone), "active", tracker.isActive(phone));
    }
}
