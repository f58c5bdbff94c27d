package io.consentkit.send;

import io.consentkit.message.CostEstimate;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.support.Masking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The last step of every send, whatever the decision: one {@link SendLogEntry} to the send log
 * (masked number, the log's {@link SendLog#bodyDigest} of the body, never the body), a debug line, and the listener's
 * {@link SendListener#onOutcome}. A failing log or listener is logged and never changes the
 * outcome. Logs under {@link DefaultGuardedSender}'s name. Thread-safe (holds no lock; the send
 * log and listener must be thread-safe).
 */
final class SendRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultGuardedSender.class);
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    });

    private final SendLog log;
    private final SendListener listener;
    private final SmsGateway gateway;
    private final String defaultProgram;

    /** @param defaultProgram the program logged for a message that names none */
    SendRecorder(SendLog log, SendListener listener, SmsGateway gateway, String defaultProgram) {
        this.log = log;
        this.listener = listener;
        this.gateway = gateway;
        this.defaultProgram = defaultProgram;
    }

    /**
     * Records {@code outcome} of {@code m} and returns it.
     *
     * @param to      the parsed recipient, or null if the number was not parsed (yet)
     * @param content what the content guard produced, or null if it did not run (yet)
     */
    SendOutcome record(OutboundMessage m, PhoneNumber to, Instant now, MessageContent.Content content,
                       SendOutcome outcome) {
        return record(m, to, now, content, outcome, "", gateway.name(), List.of(), "", "");
    }

    /**
     * Records {@code outcome} with what the gateway call added.
     *
     * @param recipientKey the log's {@link SendLog#recipientKey} of the recipient, or empty
     * @param provider     the gateway that answered last (for a failover chain, the provider that
     *                     sent or whose failure decided)
     * @param attempts     every provider call of a chain, or empty for one call
     * @param consentId    the consent a consent-gated send relied on, or empty
     * @param subjectKey   the log's {@link SendLog#subjectKey} of a send the per-subject caps counted, or empty
     */
    SendOutcome record(OutboundMessage m, PhoneNumber to, Instant now, MessageContent.Content content,
                       SendOutcome outcome, String recipientKey, String provider, List<GatewayAttempt> attempts,
                       String consentId, String subjectKey) {
        String body = content != null ? content.body() : m.body();
        int segments = content != null ? content.segments() : 0;
        CostEstimate cost = content != null ? content.cost() : null;
        SendLogEntry.Decision decision;
        String reason = "";
        String providerId = "";
        int errorCode = 0;
        String detail = "";
        Instant until = null;
        String gatewayName = "";
        DeliveryStatus status = null;
        if (outcome instanceof SendOutcome.Sent s) {
            decision = SendLogEntry.Decision.SENT;
            providerId = s.providerId();
            gatewayName = s.gateway();
            status = DeliveryStatus.find(s.providerStatus()).orElse(null);
        } else if (outcome instanceof SendOutcome.DryRun) {
            decision = SendLogEntry.Decision.DRY_RUN;
        } else if (outcome instanceof SendOutcome.Blocked b) {
            decision = SendLogEntry.Decision.BLOCKED;
            reason = b.reason().name();
            detail = b.detail();
        } else if (outcome instanceof SendOutcome.Deferred d) {
            decision = SendLogEntry.Decision.DEFERRED;
            reason = d.reason().name();
            detail = d.detail();
            until = d.until();
        } else {
            SendOutcome.Failed f = (SendOutcome.Failed) outcome;
            decision = SendLogEntry.Decision.FAILED;
            reason = f.kind().name();
            errorCode = f.code();
            detail = f.message();
            gatewayName = provider;
        }
        String masked = to != null ? to.masked() : Masking.phone(m.to());
        SendLogEntry entry = new SendLogEntry(now, decision, reason, masked, m.category(), m.templateId(), log.bodyDigest(body),
                body.length(), segments, cost == null ? null : cost.total(),
                cost == null ? "" : cost.currency().getCurrencyCode(), providerId, errorCode, detail, until, gatewayName, status, 0,
                status == null ? null : now, recipientKey, attempts, m.program().isEmpty() ? defaultProgram : m.program(),
                consentId, m.correlationId(), subjectKey);
        try {
            log.record(entry);
        } catch (RuntimeException e) {
            sendLogFailed(e);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} to {}: {}", decision, m.category().label(), masked, outcome);
        }
        try {
            listener.onOutcome(m, outcome);
        } catch (RuntimeException e) {
            LOG.warn("send listener failed in onOutcome", e);
        }
        return outcome;
    }

    /** Logs that the send log failed and tells the listener. */
    void sendLogFailed(RuntimeException e) {
        LOG.error("send log could not record a decision: {}", e.getMessage(), e);
        try {
            listener.onSendLogFailure(e);
        } catch (RuntimeException le) {
            LOG.warn("send listener failed in onSendLogFailure", le);
        }
    }

    /** The lower-case hex SHA-256 of {@code body} in UTF-8. */
    static String sha256(String body) {
        MessageDigest md = SHA256.get();
        md.reset();
        return HexFormat.of().formatHex(md.digest(body.getBytes(StandardCharsets.UTF_8)));
    }
}
