package io.consentkit.journal;

import io.consentkit.InvalidInputException;

/**
 * A journal or import file is not in the journal schema: a missing or unknown column, or a
 * row whose field does not parse. Carries the source, the 1-based line number (0 for the
 * header as a whole) and the field. Nothing was changed.
 */
public final class JournalFormatException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;

    public JournalFormatException(String source, long line, String field, String problem) {
        super(field, problem, source + ": line " + line + ": " + field + " " + problem);
        this.source = source;
        this.line = line;
    }

    /** The file name or description of the input. */
    public String source() {
        return source;
    }

    /** 1-based line number where the bad row starts. */
    public long line() {
        return line;
    }
}
