package io.consentkit.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Optional;

/**
 * Who may use a page behind the operator login, and the CSRF check of its forms: the seam between the pages
 * (the operator console, the front desk) and the login in front of them. {@link ConsoleAuth} is consent-web's own
 * login; a container with its own authentication (the Spring Boot starter delegates to Spring Security) gives the
 * pages another implementation. Implementations are thread-safe.
 */
public interface OperatorAccess {
    /**
     * The operator making {@code request}, or empty when this method has answered the request itself (a redirect
     * to a login page, or a 403 page for a request without an operator or a POST without a valid CSRF token).
     * Pages call it first and do nothing more with the response when it is empty; so every POST they handle has
     * passed the CSRF check.
     */
    Optional<Operator> requireOperator(HttpServletRequest request, HttpServletResponse response) throws IOException;

    /**
     * The hidden input carrying the CSRF token, for every {@code <form method="post">} of a page answering
     * {@code request} (call after {@link #requireOperator} gave an operator).
     *
     * @throws IllegalStateException if the request has no token (no operator session)
     */
    Html csrfField(HttpServletRequest request);

    /** A small logout form (button) for page headers, CSRF token included. */
    Html logoutForm(HttpServletRequest request);
}
