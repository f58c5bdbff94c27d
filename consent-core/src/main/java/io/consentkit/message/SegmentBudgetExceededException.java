package io.consentkit.message;

import io.consentkit.InvalidInputException;

import java.util.Objects;

/**
 * A message does not fit its segment budget (or Twilio's {@value MessageFormatter#MAX_TEXT_LENGTH}
 * character limit) and could not be, or was not allowed to be, truncated. Carries what the
 * untruncated message would cost. The message never contains the text itself.
 */
public final class SegmentBudgetExceededException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    private final transient SegmentInfo info;
    private final int budget;
    private final int length;

    public SegmentBudgetExceededException(String field, SegmentInfo info, int budget, int length) {
        super(field, problem(info, budget, length), field + " " + problem(info, budget, length));
        this.info = Objects.requireNonNull(info, "info");
        this.budget = budget;
        this.length = length;
    }

    private static String problem(SegmentInfo info, int budget, int length) {
        if (length > MessageFormatter.MAX_TEXT_LENGTH) {
            return "is " + length + " characters; Twilio accepts at most " + MessageFormatter.MAX_TEXT_LENGTH;
        }
        return "needs " + info.segments() + " segments (" + info.encoding().displayName() + ", " + info.units()
                + " " + info.encoding().unitName() + "); the budget is " + budget;
    }

    /** Segments the whole (untruncated) message needs. */
    public int segments() {
        return info.segments();
    }

    /** The budget it had to fit. */
    public int budget() {
        return budget;
    }

    /** The whole count: encoding, segments, units and the characters that forced UCS-2. */
    public SegmentInfo info() {
        return info;
    }

    /** Length of the untruncated text in UTF-16 units. */
    public int length() {
        return length;
    }
}
