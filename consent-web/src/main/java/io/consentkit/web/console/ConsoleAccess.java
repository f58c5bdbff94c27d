package io.consentkit.web.console;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;

/**
 * Who is signed in to the console and the CSRF token of their session: what the console asks of the
 * app's login. Every console page needs an operator; every form posts the token in the field
 * {@link #CSRF_FIELD}, checked before anything is done. Implementations must be thread-safe.
 */
public interface ConsoleAccess {
    /** The form field that carries the CSRF token. */
    String CSRF_FIELD = "csrf";

    /** The signed-in operator's name, or empty if the request has no valid session. */
    Optional<String> operator(HttpServletRequest request);

    /** The CSRF token to put in the forms of this (signed-in) request's pages. */
    String csrfToken(HttpServletRequest request);

    /** True if the request's {@link #CSRF_FIELD} matches its session's token. */
    boolean csrfValid(HttpServletRequest request);

    /** Where to send a request without a session (a login page), or empty to answer 401. */
    default Optional<String> loginUrl(HttpServletRequest request) {
        return Optional.empty();
    }
}
