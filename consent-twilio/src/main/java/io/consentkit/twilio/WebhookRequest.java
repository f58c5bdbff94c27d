package io.consentkit.twilio;

import io.consentkit.InvalidInputException;
import io.consentkit.twilio.internal.FormCodec;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request as a webhook handler sees it, independent of any web framework: method, the
 * full URL as this server received it, headers and the raw body. Adapters for a framework make
 * one with {@link #of} (raw body) or, when the framework has already consumed the body into
 * parameters, {@link #ofForm}.
 *
 * <p>Parameters ({@link #parameters()}) are the form body of a form-encoded POST, or the query
 * string of a GET; repeated names keep every value in order. Immutable and thread-safe.
 */
public final class WebhookRequest {
    private final String method;
    private final URI url;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final Map<String, List<String>> parameters;
    private final String parseError;

    private WebhookRequest(String method, URI url, Map<String, List<String>> headers, byte[] body) {
        this.method = InvalidInputException.requireText("method", method).toUpperCase(Locale.ROOT);
        this.url = Objects.requireNonNull(url, "url");
        if (!url.isAbsolute() || url.getHost() == null) {
            throw new InvalidInputException("url", "must be absolute (scheme, host, path as received)");
        }
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((k, vs) -> {
                if (k != null && vs != null) {
                    h.computeIfAbsent(k, x -> new ArrayList<>()).addAll(vs);
                }
            });
        }
        h.replaceAll((k, vs) -> List.copyOf(vs));
        this.headers = Collections.unmodifiableMap(h);
        this.body = body == null ? new byte[0] : body.clone();
        Map<String, List<String>> params = new LinkedHashMap<>();
        String error = "";
        try {
            String encoded = isForm() ? new String(this.body, StandardCharsets.UTF_8)
                    : "GET".equals(this.method) ? url.getRawQuery() : null;
            for (Map.Entry<String, String> p : FormCodec.parse(encoded)) {
                params.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p.getValue());
            }
        } catch (IllegalArgumentException e) {
            params.clear();
            error = "malformed form encoding: " + e.getMessage();
        }
        params.replaceAll((k, vs) -> List.copyOf(vs));
        this.parameters = Collections.unmodifiableMap(params);
        this.parseError = error;
    }

    /**
     * A request with its raw body.
     *
     * @param method  HTTP method, e.g. {@code POST}
     * @param url     the full URL as received: scheme, host, port, path and query, still percent-encoded
     * @param headers header names (any case) to values; may be empty
     * @param body    the raw body, or null for none
     */
    public static WebhookRequest of(String method, URI url, Map<String, List<String>> headers, byte[] body) {
        return new WebhookRequest(method, url, headers, body);
    }

    /**
     * A form POST whose body the framework already parsed (e.g. a servlet's parameter map). The
     * body is re-encoded from {@code form}, values in the given order; for signature checks only
     * the parameters matter, not the original encoding. The content type is set to form-encoded.
     */
    public static WebhookRequest ofForm(String method, URI url, Map<String, List<String>> headers,
                                        Map<String, List<String>> form) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        Objects.requireNonNull(form, "form").forEach((k, vs) -> vs.forEach(v -> pairs.add(Map.entry(k, v))));
        Map<String, List<String>> h = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((k, v) -> {
                if (!"content-type".equalsIgnoreCase(k)) {
                    h.put(k, v);
                }
            });
        }
        h.put("Content-Type", List.of("application/x-www-form-urlencoded; charset=UTF-8"));
        return new WebhookRequest(method, url, h, FormCodec.encode(pairs).getBytes(StandardCharsets.UTF_8));
    }

    /** Upper-case HTTP method. */
    public String method() {
        return method;
    }

    /** The full URL as this server received it. */
    public URI url() {
        return url;
    }

    /** All headers; lookups ignore case. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        List<String> vs = headers.get(name);
        return vs == null || vs.isEmpty() ? Optional.empty() : Optional.of(vs.get(0));
    }

    /** A copy of the raw body. */
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The media type without parameters, lower case ({@code application/json}), or "" if none. */
    public String mediaType() {
        String ct = header("Content-Type").orElse("");
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** True for a POST (or PUT) with {@code application/x-www-form-urlencoded}. */
    public boolean isForm() {
        return !"GET".equals(method) && "application/x-www-form-urlencoded".equals(mediaType());
    }

    /** True if the body is JSON ({@code application/json} or {@code +json}). */
    public boolean isJson() {
        String mt = mediaType();
        return mt.equals("application/json") || mt.endsWith("+json");
    }

    /** Form parameters (POST) or query parameters (GET), in received order, repeated names kept. */
    public Map<String, List<String>> parameters() {
        return parameters;
    }

    /** The first value of a parameter. */
    public Optional<String> parameter(String name) {
        List<String> vs = parameters.get(name);
        return vs == null || vs.isEmpty() ? Optional.empty() : Optional.of(vs.get(0));
    }

    /** Why the parameters could not be read, or "" if they could. */
    String parseError() {
        return parseError;
    }

    /** Method, URL path and size; no parameter values (they hold phone numbers and bodies). */
    @Override
    public String toString() {
        return "WebhookRequest[" + method + " " + url.getRawPath() + ", " + body.length + " bytes, "
                + parameters.size() + " parameters]";
    }
}
