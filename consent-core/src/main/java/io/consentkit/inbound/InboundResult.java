package io.consentkit.inbound;

import io.consentkit.journal.ConsentRecord;

import java.util.List;
import java.util.Objects;

/**
 * What {@link InboundHandler#handle(InboundMessage)} did with one message: the keyword it read, the
 * consent change it made (with the journal rows written) and the reply to send, if any. Immutable and
 * thread-safe.
 *
 * @param message      the message handled
 * @param match        the intent and keyword read from it
 * @param change       the consent change made
 * @param records      the journal rows written, in order (empty if none)
 * @param reply        the text to send back, empty for none (e.g. as TwiML {@code <Message>})
 * @param confirmation what happened to the number's Y/N confirmation, or null if this message touched
 *                     none
 */
public record InboundResult(InboundMessage message, KeywordMatch match, Change change, List<ConsentRecord> records,
                           String reply, ConfirmationEvent confirmation) {

    /** The consent change a message made. */
    public enum Change {
        /** Nothing changed (help, an ordinary message). */
        NONE,
        /** Every active consent of the number was revoked, or the number was suppressed. */
        OPTED_OUT,
        /** A keyword opt-in was recorded with the standardized confirmation text. */
        OPTED_IN,
        /** A pending confirmation was answered yes: it is now an active consent. */
        CONFIRMED,
        /** A pending confirmation was answered no. */
        DECLINED,
        /** A pending confirmation got an unrecognised reply: it stays pending, nothing written. */
        CONFIRMATION_INVALID,
        /** The reply came after the confirmation's deadline: it was closed as expired, nothing else changed. */
        CONFIRMATION_EXPIRED,
        /** The message SID was already handled: nothing done again, no reply. */
        DUPLICATE,
        /**
         * The message came on a channel that does not change SMS consent (WhatsApp, Messenger...; see
         * {@link InboundHandler.Builder#consentChannels}): nothing written, no reply.
         */
        OTHER_CHANNEL,
        /**
         * A keyword opt-in over the number's reply cap ({@link InboundHandler.Builder#replyLimit}): not
         * applied, nothing written, no reply; the number stays as it was.
         */
        RATE_LIMITED
    }

    public InboundResult {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(change, "change");
        records = List.copyOf(records);
        reply = reply == null ? "" : reply;
    }

    /** The intent read from the message. */
    public Intent intent() {
        return match.intent();
    }

    /** The keyword matched; empty if none. */
    public String keyword() {
        return match.keyword();
    }

    /** True if there is a reply to send. */
    public boolean hasReply() {
        return !reply.isEmpty();
    }

    /** True if this message SID had been handled before. */
    public boolean isDuplicate() {
        return change == Change.DUPLICATE;
    }

    @Override
    public String toString() {
        return "InboundResult[" + match.intent() + (match.keyword().isEmpty() ? "" : " " + match.keyword()) + ", "
                + change + ", " + records.size() + " row(s), " + (reply.isEmpty() ? "no reply" : "reply")
                + (confirmation == null ? "" : ", confirmation " + confirmation.outcome()) + "]";
    }
}
