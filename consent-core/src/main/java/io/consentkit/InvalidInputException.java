package io.consentkit;

/**
 * Input was rejected before anything changed: {@link #field()} names the field and
 * {@link #problem()} says what is wrong with it. Values that may be personal data are masked
 * in the message.
 */
public class InvalidInputException extends ConsentKitException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public InvalidInputException(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
        this.problem = problem;
    }

    protected InvalidInputException(String field, String problem, String message) {
        super(message);
        this.field = field;
        this.problem = problem;
    }

    /** The field that was wrong, e.g. {@code "phone_number"}, {@code "keyword"}, {@code "body"}. */
    public String field() {
        return field;
    }

    /** What is wrong with it, e.g. {@code "is empty"}. */
    public String problem() {
        return problem;
    }

    /** Throws if {@code value} is null or blank; returns it stripped otherwise. */
    public static String requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(field, "is empty");
        }
        return value.strip();
    }

    /** Returns {@code value} stripped, or "" for null. */
    public static String optionalText(String value) {
        return value == null ? "" : value.strip();
    }
}
