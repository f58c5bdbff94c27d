package io.consentkit.twilio;

import io.consentkit.InvalidInputException;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * The URL Twilio requested, which the signature covers, worked out from the request this server
 * received. Behind a proxy, load balancer or tunnel the two differ in scheme, host, port or
 * path; pick the strategy that restores what Twilio saw. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface PublicUrl {

    /** The full URL Twilio requested for {@code request}, percent-encoding as Twilio sent it. */
    URI resolve(WebhookRequest request);

    /** The URL as received: no proxy in between. */
    static PublicUrl asReceived() {
        return WebhookRequest::url;
    }

    /**
     * Twilio calls {@code publicBase} (e.g. {@code https://hooks.example.com/app}): its scheme,
     * host and port replace the received ones and its path is put before the received path; the
     * received query string is kept. For a proxy that forwards {@code /app/sms} as {@code /sms}.
     */
    static PublicUrl base(URI publicBase) {
        return base(publicBase, "");
    }

    /**
     * Like {@link #base(URI)}, first removing {@code localPrefix} from the received path: for a
     * proxy that forwards {@code /sms} to this server's {@code /twilio/sms}.
     */
    static PublicUrl base(URI publicBase, String localPrefix) {
        Objects.requireNonNull(publicBase, "publicBase");
        Objects.requireNonNull(localPrefix, "localPrefix");
        if (!publicBase.isAbsolute() || publicBase.getHost() == null || publicBase.getRawQuery() != null) {
            throw new InvalidInputException("publicUrl", "must be an absolute URL without a query, was " + publicBase);
        }
        String basePath = publicBase.getRawPath() == null ? "" : publicBase.getRawPath();
        String prefix = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        String origin = publicBase.getScheme() + "://" + publicBase.getRawAuthority();
        return request -> {
            String path = request.url().getRawPath() == null ? "" : request.url().getRawPath();
            if (!localPrefix.isEmpty() && path.startsWith(localPrefix)) {
                path = path.substring(localPrefix.length());
            }
            if (!path.isEmpty() && !path.startsWith("/")) {
                path = "/" + path;
            }
            String query = request.url().getRawQuery();
            return URI.create(origin + prefix + path + (query == null ? "" : "?" + query));
        };
    }

    /**
     * Scheme, host and port from {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and
     * {@code X-Forwarded-Port}, and a path prefix from {@code X-Forwarded-Prefix}, falling back to
     * the received values for headers that are absent. Use only when a proxy you run sets (and
     * overwrites) these headers: otherwise a caller chooses the URL that is checked.
     */
    static PublicUrl forwardedHeaders() {
        return request -> {
            URI u = request.url();
            String scheme = first(request, "X-Forwarded-Proto", u.getScheme()).toLowerCase(Locale.ROOT);
            String host = first(request, "X-Forwarded-Host", u.getRawAuthority());
            String port = first(request, "X-Forwarded-Port", "");
            String prefix = first(request, "X-Forwarded-Prefix", "");
            if (prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            if (!port.isEmpty() && !hasPort(host)) {
                host = host + ":" + port;
            }
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            String query = u.getRawQuery();
            return URI.create(scheme + "://" + host + prefix + path + (query == null ? "" : "?" + query));
        };
    }

    private static String first(WebhookRequest request, String header, String fallback) {
        String v = request.header(header).orElse("");
        int comma = v.indexOf(',');
        v = (comma < 0 ? v : v.substring(0, comma)).strip();
        return v.isEmpty() ? fallback : v;
    }

    private static boolean hasPort(String authority) {
        int close = authority.lastIndexOf(']');
        return authority.indexOf(':', close + 1) >= 0;
    }
}
