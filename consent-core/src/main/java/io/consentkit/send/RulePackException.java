package io.consentkit.send;

import io.consentkit.InvalidInputException;

/**
 * A sending rule pack could not be loaded: {@link #rule()} names the rule (or is empty when the
 * problem is the pack itself, such as its version line), {@link #field()} the column and
 * {@link #line()} the line of the file. Nothing is loaded when this is thrown.
 */
public class RulePackException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    private final String pack;
    private final String rule;
    private final long line;

    public RulePackException(String pack, long line, String rule, String field, String problem) {
        super(field, problem, "rule pack " + pack + (line > 0 ? ", line " + line : "")
                + (rule.isEmpty() ? "" : ", rule " + rule) + ": " + field + " " + problem);
        this.pack = pack;
        this.rule = rule;
        this.line = line;
    }

    /** The pack's name as given to the loader (a resource or file name). */
    public String pack() {
        return pack;
    }

    /** The id of the rule that is wrong, or "" when the pack itself is. */
    public String rule() {
        return rule;
    }

    /** The 1-based line of the file, or 0 when the problem is not on one line. */
    public long line() {
        return line;
    }
}
