package io.consentkit.twilio;

import io.consentkit.InvalidInputException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Jakarta Servlet (6.x) that serves one {@link WebhookHandler}, so the framework-free handlers
 * of {@link TwilioWebhooks} mount in any servlet container (Jetty, Tomcat, Undertow, Spring Boot);
 * {@link TwilioWebhookServer} mounts this same class for each route.
 *
 * <p>Per request: methods other than POST and GET get 405; a body over the limit gets 413 (on the
 * declared length, without reading it, or while reading); a {@code Host} header that is not a
 * valid host (and port) gets 400. The handler sees the URL as received: the request's scheme, its
 * {@code Host} header and the raw (still percent-encoded) path and query, so signatures are
 * checked over what the client requested; behind a TLS proxy set the verifier's {@link PublicUrl}.
 * A handler that throws gives 500. Every message goes through the shared {@link RateLimitedLog}
 * budget: rejections (bad Host, oversize or late bodies) without a stack trace, a failing handler
 * with its trace.
 *
 * <p>Register it with async support on ({@code asyncSupported=true}, or
 * {@code ServletRegistration.Dynamic.setAsyncSupported(true)}): the body is then read with
 * non-blocking I/O, so slow senders hold no container thread, and a body that is not complete
 * within the body timeout gets 408. Without async support the body is read blocking, bounded by
 * the container's idle timeout. The servlet never calls {@code getParameter} (that would consume
 * the form body the signature covers). The servlet API is an optional dependency of consent-twilio:
 * the container provides it. Thread-safe.
 */
public final class WebhookServlet extends HttpServlet {
    /** Default time to receive a request body once the headers are in: {@value} ms. */
    public static final long DEFAULT_BODY_TIMEOUT_MILLIS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookServlet.class);
    private static final String BODY = WebhookServlet.class.getName() + ".body";

    private final transient WebhookHandler handler;
    private final int maxBodyBytes;
    private final long bodyTimeoutMillis;

    /** Serves {@code handler}, bodies up to {@link TwilioWebhookServer#DEFAULT_MAX_BODY_BYTES}. */
    public WebhookServlet(WebhookHandler handler) {
        this(handler, TwilioWebhookServer.DEFAULT_MAX_BODY_BYTES, DEFAULT_BODY_TIMEOUT_MILLIS);
    }

    /**
     * Serves {@code handler}.
     *
     * @param handler           the endpoint, usually a method reference such as {@code webhooks::inbound}
     * @param maxBodyBytes      largest request body accepted, 1 KiB to 16 MiB
     * @param bodyTimeoutMillis time allowed to receive the body with async support, 100 ms to 10 min
     * @throws InvalidInputException if a limit is out of range
     */
    public WebhookServlet(WebhookHandler handler, int maxBodyBytes, long bodyTimeoutMillis) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.maxBodyBytes = checkMaxBodyBytes(maxBodyBytes);
        if (bodyTimeoutMillis < 100 || bodyTimeoutMillis > 600_000) {
            throw new InvalidInputException("bodyTimeoutMillis", "must be 100 to 600000, was " + bodyTimeoutMillis);
        }
        this.bodyTimeoutMillis = bodyTimeoutMillis;
    }

    /**
     * The body limit check, here rather than in {@link TwilioWebhookServer}: calling into that class
     * loads embedded Jetty, which a servlet container such as Spring Boot's Tomcat does not have.
     */
    static int checkMaxBodyBytes(int bytes) {
        if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
            throw new InvalidInputException("maxBodyBytes", "must be 1024 to 16777216, was " + bytes);
        }
        return bytes;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getDispatcherType() == DispatcherType.ASYNC && req.getAttribute(BODY) instanceof byte[] body) {
            handle(req, resp, body);
            return;
        }
        String method = req.getMethod().toUpperCase(Locale.ROOT);
        if (!method.equals("POST") && !method.equals("GET")) {
            resp.setHeader("Allow", "POST, GET");
            write(resp, WebhookResponse.text(405, "method not allowed\n"));
            return;
        }
        if (receivedUrl(req) == null) {
            RateLimitedLog.REJECTED_REQUESTS.warn(LOG, "webhook request to {} rejected: Host header is not a host name or address",
                    req.getRequestURI());
            resp.setHeader("Connection", "close");
            write(resp, WebhookResponse.text(400, "bad Host header\n"));
            return;
        }
        if (req.getContentLengthLong() > maxBodyBytes) {
            tooLarge(req, resp);
            return;
        }
        if (!req.isAsyncSupported()) {
            byte[] body = readBounded(req.getInputStream());
            if (body == null) {
                tooLarge(req, resp);
            } else {
                handle(req, resp, body);
            }
            return;
        }
        readAsync(req, resp);
    }

    /** Reads the body without blocking a thread, then dispatches back to {@link #service} to run the handler. */
    private void readAsync(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        AsyncContext async = req.startAsync(req, resp);
        async.setTimeout(bodyTimeoutMillis);
        AtomicBoolean settled = new AtomicBoolean();
        ServletInputStream in = req.getInputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) throws IOException {
                if (settled.compareAndSet(false, true)) {
                    RateLimitedLog.REJECTED_REQUESTS.warn(LOG, "webhook request to {} rejected: body not received within {} ms",
                            req.getRequestURI(), bodyTimeoutMillis);
                    resp.setHeader("Connection", "close");
                    write(resp, WebhookResponse.text(408, "request body not received in time\n"));
                    async.complete();
                }
            }

            @Override
            public void onError(AsyncEvent event) {
                settled.set(true);
            }

            @Override
            public void onComplete(AsyncEvent event) {
                // nothing to release
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not restarted
            }
        });
        in.setReadListener(new ReadListener() {
            private final byte[] chunk = new byte[8192];

            @Override
            public void onDataAvailable() throws IOException {
                while (in.isReady() && !in.isFinished()) {
                    int n = in.read(chunk);
                    if (n < 0) {
                        return;
                    }
                    if (body.size() + n > maxBodyBytes) {
                        if (settled.compareAndSet(false, true)) {
                            tooLarge(req, resp);
                            async.complete();
                        }
                        return;
                    }
                    body.write(chunk, 0, n);
                }
            }

            @Override
            public void onAllDataRead() {
                if (settled.compareAndSet(false, true)) {
                    req.setAttribute(BODY, body.toByteArray());
                    async.dispatch();
                }
            }

            @Override
            public void onError(Throwable t) {
                if (settled.compareAndSet(false, true)) {
                    LOG.debug("webhook request body to {} not read: {}", req.getRequestURI(), t.toString());
                    async.complete();
                }
            }
        });
    }

    private void handle(HttpServletRequest req, HttpServletResponse resp, byte[] body) throws IOException {
        WebhookResponse response;
        try {
            response = handler.handle(WebhookRequest.of(req.getMethod(), receivedUrl(req), headers(req), body));
        } catch (InvalidInputException e) {
            RateLimitedLog.REJECTED_REQUESTS.warn(LOG, "webhook request to {} rejected: {}", req.getRequestURI(), e.getMessage());
            response = WebhookResponse.text(400, "bad request\n");
        } catch (RuntimeException e) {
            RateLimitedLog.REJECTED_REQUESTS.error(LOG, "webhook handler for {} failed", req.getRequestURI(), e);
            response = WebhookResponse.text(500, "internal error\n");
        }
        write(resp, response);
    }

    private void tooLarge(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        RateLimitedLog.REJECTED_REQUESTS.warn(LOG, "webhook request to {} rejected: body over {} bytes", req.getRequestURI(), maxBodyBytes);
        resp.setHeader("Connection", "close");
        write(resp, WebhookResponse.text(413, "request body too large\n"));
    }

    /**
     * The URL as received: scheme, {@code Host} header (or the local name and port when an
     * HTTP/1.0 client sent none), raw path and query. Null if the Host is not a valid authority.
     */
    static URI receivedUrl(HttpServletRequest req) {
        String host = req.getHeader("Host");
        if (host == null || host.isBlank()) {
            String name = req.getServerName();
            host = (name.contains(":") ? "[" + name + "]" : name) + ":" + req.getServerPort();
        }
        String query = req.getQueryString();
        try {
            URI u = new URI(req.getScheme() + "://" + host.strip() + req.getRequestURI() + (query == null ? "" : "?" + query));
            return u.getHost() == null || u.getRawUserInfo() != null ? null : u;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static Map<String, List<String>> headers(HttpServletRequest req) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.put(name, new ArrayList<>(Collections.list(req.getHeaders(name))));
        }
        return headers;
    }

    /** The body, or null if it is longer than the limit. */
    private byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() + n > maxBodyBytes) {
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** Status, Content-Type (if any), Content-Length and body. */
    static void write(HttpServletResponse resp, WebhookResponse r) throws IOException {
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        resp.setStatus(r.status());
        if (!r.contentType().isEmpty()) {
            // as a header, not setContentType: containers rewrite "text/xml; charset=utf-8" there
            resp.setHeader("Content-Type", r.contentType());
        }
        if (r.status() == 204 || r.status() == 304 || body.length == 0) {
            return;
        }
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    @Override
    public String toString() {
        return "WebhookServlet[" + handler + ", max " + maxBodyBytes + " bytes]";
    }
}
