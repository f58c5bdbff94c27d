package io.consentkit.web;

import jakarta.servlet.http.HttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The headers every page response carries. The Content-Security-Policy allows no script at all, no
 * inline style but the one stylesheet of {@link Pages} (allowed by its SHA-256 hash), images only from
 * the page's origin or {@code data:}, forms posting only to the page's origin, and no framing; the
 * other headers turn off MIME sniffing, framing, referrers to other origins and powerful browser
 * features. Console pages add {@code Cache-Control: no-store} so no browser or proxy keeps a copy of
 * what an operator saw. Stateless and thread-safe.
 */
public final class SecurityHeaders {
    /** The policy sent with every page. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'none'; style-src "
            + hashSource(Pages.STYLE) + "; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'";
    /** The Permissions-Policy sent with every page: no camera, microphone, location, payment, USB... */
    public static final String PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
            + "interest-cohort=(), browsing-topics=()";

    private SecurityHeaders() {
    }

    /**
     * Sets the security headers on {@code response} (before anything is written).
     *
     * @param noStore true for pages that show or take personal data (the console, the front desk, errors
     *                after a post): adds {@code Cache-Control: no-store}
     */
    public static void apply(HttpServletResponse response, boolean noStore) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("Permissions-Policy", PERMISSIONS_POLICY);
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
        if (noStore) {
            response.setHeader("Cache-Control", "no-store");
            response.setHeader("Pragma", "no-cache");
        }
    }

    /** The CSP source {@code 'sha256-...'} allowing an inline element whose content is exactly {@code content}. */
    public static String hashSource(String content) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(d) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
