package io.consentkit.spring.boot;

import io.consentkit.InvalidInputException;
import io.consentkit.web.Html;
import io.consentkit.web.Operator;
import io.consentkit.web.OperatorAccess;
import io.consentkit.web.Pages;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.web.csrf.CsrfToken;

import java.io.IOException;
import java.security.Principal;
import java.util.Objects;
import java.util.Optional;

/**
 * The login of the starter's console and front desk delegated to Spring Security: the operator is the
 * authenticated user of the request ({@link HttpServletRequest#getUserPrincipal()}, which Spring Security's filter
 * chain sets; an anonymous request has none), and the forms carry Spring Security's {@link CsrfToken} (the
 * request attribute its {@code CsrfFilter} sets, rendered as its hidden field). Spring Security's {@code CsrfFilter}
 * refuses a POST without the token (403) before the page runs. A request that reaches a page without an
 * authenticated user, or without the CSRF token (Spring Security's CSRF protection switched off), gets a 403 page
 * and changes nothing: a security configuration that leaves these paths open gives refusals, never an open
 * console. Thread-safe.
 */
final class SpringSecurityOperatorAccess implements OperatorAccess {
    private static final Logger LOG = LoggerFactory.getLogger(SpringSecurityOperatorAccess.class);

    private final String logoutPath;

    /** @param logoutPath where Spring Security's logout is posted (its default is {@code /logout}) */
    SpringSecurityOperatorAccess(String logoutPath) {
        this.logoutPath = Objects.requireNonNull(logoutPath, "logoutPath");
    }

    @Override
    public Optional<Operator> requireOperator(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean post = !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod());
        if (post) {
            request.getParameterMap(); // reads the (bounded) form: a refusal leaves the connection reusable
        }
        Principal principal = request.getUserPrincipal();
        if (principal == null) {
            LOG.warn("console request {} from {} refused: not authenticated by Spring Security (require "
                    + "authentication on /console/** and /frontdesk)", request.getRequestURI(), request.getRemoteAddr());
            Pages.error(response, 403, "Not logged in", "This page needs a logged-in operator; nothing was changed.");
            return Optional.empty();
        }
        Operator operator;
        try {
            operator = new Operator(principal.getName());
        } catch (InvalidInputException e) {
            Pages.error(response, 403, "Refused", "This user name cannot be recorded as an operator ("
                    + e.problem() + "); nothing was changed.");
            return Optional.empty();
        }
        CsrfToken token = token(request);
        if (token == null) {
            LOG.warn("console request {} by {} refused: Spring Security's CSRF protection is off for it",
                    request.getRequestURI(), operator.name());
            Pages.error(response, 403, "Refused: security token", "CSRF protection is off for this page, so it is "
                    + "not served; nothing was changed.");
            return Optional.empty();
        }
        return Optional.of(operator);
    }

    @Override
    public Html csrfField(HttpServletRequest request) {
        CsrfToken token = token(request);
        if (token == null) {
            throw new IllegalStateException("csrfField needs a request with Spring Security's CSRF token");
        }
        return Html.format("<input type=\"hidden\" name=\"{}\" value=\"{}\">", token.getParameterName(), token.getToken());
    }

    @Override
    public Html logoutForm(HttpServletRequest request) {
        return Html.format("<form method=\"post\" action=\"{}\">{}<button type=\"submit\">Log out</button></form>",
                request.getContextPath() + logoutPath, csrfField(request));
    }

    private static CsrfToken token(HttpServletRequest request) {
        return request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken t ? t : null;
    }

}
