package io.consentkit.web;

import io.consentkit.InvalidInputException;

/**
 * Who is logged in to the console: the name recorded with every console action (journal rows written
 * from the console, log lines). {@link ConsoleAuth#requireOperator} gives it for a request.
 *
 * @param name the operator's login name (1 to 64 printable characters, no control characters)
 */
public record Operator(String name) {
    public Operator {
        name = InvalidInputException.requireText("operator", name);
        if (name.length() > 64 || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidInputException("operator", "must be 1 to 64 printable characters");
        }
    }
}
