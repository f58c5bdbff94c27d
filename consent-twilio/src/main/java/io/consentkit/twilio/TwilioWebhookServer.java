package io.consentkit.twilio;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.consentkit.ConsentKitException;
import io.consentkit.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A small HTTP server for Twilio's webhooks on the JDK's built-in {@code com.sun.net.httpserver},
 * for apps without a web framework: each route is a {@link WebhookHandler} (usually from
 * {@link TwilioWebhooks}, which checks signatures), plus a health route answering
 * {@code GET /health} with {@code {"status":"ok"}}.
 *
 * <p>Requests are bounded: bodies over {@link Builder#maxBodyBytes(int)} get 413 without being
 * read in full; methods other than POST and GET get 405; unknown paths 404; a handler that throws
 * gives 500. The URL handed to handlers is {@code http://} + the {@code Host} header + the path as
 * received, so behind a TLS proxy set the verifier's {@link PublicUrl}.
 *
 * <p>Plain HTTP only: put it behind a TLS-terminating proxy (Twilio calls HTTPS URLs). Thread-safe;
 * {@link #close()} stops it.
 */
public final class TwilioWebhookServer implements AutoCloseable {
    /** Default largest accepted request body: {@value} bytes (Twilio's form posts are a few KB). */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    /** Default handler threads: {@value}. */
    public static final int DEFAULT_THREADS = 4;
    /** Default health route: {@value}. */
    public static final String DEFAULT_HEALTH_PATH = "/health";
    /** Route of the messaging webhook in {@link Builder#routes(TwilioWebhooks)}: {@value}. */
    public static final String INBOUND_PATH = "/twilio/inbound";
    /** Route of status callbacks in {@link Builder#routes(TwilioWebhooks)}: {@value}. */
    public static final String STATUS_PATH = "/twilio/status";
    /** Route of the Debugger webhook in {@link Builder#routes(TwilioWebhooks)}: {@value}. */
    public static final String DEBUGGER_PATH = "/twilio/debugger";

    private static final Logger LOG = LoggerFactory.getLogger(TwilioWebhookServer.class);
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, WebhookHandler> routes;
    private final String healthPath;
    private final int maxBodyBytes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    /**
     * What {@link Builder#start()} hands to the constructor, validated there.
     *
     * @param address      where to listen
     * @param routes       handlers by exact path
     * @param healthPath   the health route (not one of the routes)
     * @param maxBodyBytes largest request body accepted
     * @param threads      handler threads
     */
    private record Settings(InetSocketAddress address, Map<String, WebhookHandler> routes, String healthPath,
                            int maxBodyBytes, int threads) {
        private Settings {
            Objects.requireNonNull(address, "address");
            routes = Map.copyOf(routes);
            Objects.requireNonNull(healthPath, "healthPath");
        }
    }

    private TwilioWebhookServer(Settings s) throws IOException {
        this.routes = s.routes();
        this.healthPath = s.healthPath();
        this.maxBodyBytes = s.maxBodyBytes();
        this.server = HttpServer.create(s.address(), 64);
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "consentkit-webhook-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = Executors.newFixedThreadPool(s.threads(), threads);
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
        server.start();
        LOG.info("Twilio webhook server listening on {} (routes {}, health {})", baseUrl(), routes.keySet(), healthPath);
    }

    /** A builder; add routes, then {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port it listens on (useful after binding port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://host:port} it listens on. */
    public URI baseUrl() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
    }

    /**
     * Stops: new requests get 503, requests being handled get up to two seconds to finish, then
     * the listener and the threads stop.
     */
    @Override
    public void close() {
        closing = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        boolean interrupted = false;
        while (inFlight.get() > 0 && System.nanoTime() < deadline && !interrupted) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        server.stop(0);
        executor.shutdown();
        try {
            if (!interrupted) {
                executor.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Twilio webhook server on port {} stopped", port());
    }

    private void exchange(HttpExchange ex) throws IOException {
        long start = System.nanoTime();
        WebhookResponse response;
        String path = ex.getRequestURI().getRawPath();
        inFlight.incrementAndGet();
        try {
            if (closing) {
                response = WebhookResponse.text(503, "shutting down\n");
            } else {
                try {
                    response = dispatch(ex, path);
                } catch (RuntimeException e) {
                    LOG.error("webhook handler for {} failed", path, e);
                    response = WebhookResponse.text(500, "internal error\n");
                }
            }
            try {
                write(ex, response);
            } finally {
                ex.close();
            }
        } finally {
            inFlight.decrementAndGet();
        }
        LOG.debug("{} {} -> {} in {} ms", ex.getRequestMethod(), path, response.status(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private WebhookResponse dispatch(HttpExchange ex, String path) throws IOException {
        String method = ex.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
        if (path.equals(healthPath)) {
            if (!drain(ex.getRequestBody())) {
                return tooLarge(ex);
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                return WebhookResponse.text(405, "method not allowed\n");
            }
            return new WebhookResponse(200, "application/json", "{\"status\":\"ok\"}");
        }
        WebhookHandler handler = routes.get(path);
        if (handler == null) {
            return !drain(ex.getRequestBody()) ? tooLarge(ex) : WebhookResponse.text(404, "not found\n");
        }
        if (!method.equals("POST") && !method.equals("GET")) {
            if (!drain(ex.getRequestBody())) {
                return tooLarge(ex);
            }
            ex.getResponseHeaders().set("Allow", "POST, GET");
            return WebhookResponse.text(405, "method not allowed\n");
        }
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long len;
            try {
                len = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                return WebhookResponse.text(400, "bad Content-Length\n");
            }
            if (len > maxBodyBytes) {
                return tooLarge(ex);
            }
        }
        byte[] body = readBounded(ex.getRequestBody());
        if (body == null) {
            return tooLarge(ex);
        }
        WebhookRequest request = WebhookRequest.of(method, receivedUrl(ex), ex.getRequestHeaders(), body);
        return handler.handle(request);
    }

    /** How much of an oversize body is read and dropped so the client can read the 413 before the close. */
    private static final long DISCARD_LIMIT = 1 << 20;

    private WebhookResponse tooLarge(HttpExchange ex) {
        // Closing a socket with unread request bytes makes TCP reset the connection, and the client
        // may lose the 413. Read and drop a bounded amount; beyond that, close anyway.
        try {
            InputStream in = ex.getRequestBody();
            byte[] buf = new byte[8192];
            long dropped = 0;
            int n;
            while (dropped < DISCARD_LIMIT && (n = in.read(buf)) >= 0) {
                dropped += n;
            }
        } catch (IOException e) {
            LOG.debug("could not drain an oversize request body: {}", e.toString());
        }
        ex.getResponseHeaders().set("Connection", "close");
        LOG.warn("webhook request to {} rejected: body over {} bytes", ex.getRequestURI().getRawPath(), maxBodyBytes);
        return WebhookResponse.text(413, "request body too large\n");
    }

    private URI receivedUrl(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null || !HOST.matcher(host.strip()).matches()) {
            InetSocketAddress local = ex.getLocalAddress();
            InetAddress a = local.getAddress();
            String h = a.getHostAddress();
            host = (h.contains(":") ? "[" + h + "]" : h) + ":" + local.getPort();
        }
        URI u = ex.getRequestURI();
        return URI.create("http://" + host.strip() + u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
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

    /** Reads and drops the body; false if it is over the limit. */
    private boolean drain(InputStream in) throws IOException {
        return readBounded(in) != null;
    }

    private static void write(HttpExchange ex, WebhookResponse r) throws IOException {
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        if (!r.contentType().isEmpty()) {
            ex.getResponseHeaders().set("Content-Type", r.contentType());
        }
        boolean noBody = r.status() == 204 || r.status() == 304 || "HEAD".equalsIgnoreCase(ex.getRequestMethod());
        ex.sendResponseHeaders(r.status(), noBody ? -1 : (body.length == 0 ? -1 : body.length));
        if (!noBody && body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    /** Configures and starts a {@link TwilioWebhookServer}. Setters check at once. Not thread-safe. */
    public static final class Builder {
        private InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
        private final Map<String, WebhookHandler> routes = new LinkedHashMap<>();
        private String healthPath = DEFAULT_HEALTH_PATH;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int threads = DEFAULT_THREADS;

        private Builder() {
        }

        /** Address and port to listen on; port 0 picks a free one. Default 127.0.0.1:8080. */
        public Builder bind(InetSocketAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /** Serves {@code handler} at exactly {@code path} (e.g. {@code /twilio/inbound}). */
        public Builder route(String path, WebhookHandler handler) {
            routes.put(path(path, "path"), Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * Serves {@code webhooks} at {@value TwilioWebhookServer#INBOUND_PATH},
         * {@value TwilioWebhookServer#STATUS_PATH} and {@value TwilioWebhookServer#DEBUGGER_PATH}.
         */
        public Builder routes(TwilioWebhooks webhooks) {
            Objects.requireNonNull(webhooks, "webhooks");
            route(INBOUND_PATH, webhooks::inbound);
            route(STATUS_PATH, webhooks::status);
            return route(DEBUGGER_PATH, webhooks::debugger);
        }

        /** The health route. Default {@value TwilioWebhookServer#DEFAULT_HEALTH_PATH}. */
        public Builder healthPath(String path) {
            this.healthPath = path(path, "healthPath");
            return this;
        }

        /** Largest request body accepted, 1 KiB to 16 MiB. Default {@value TwilioWebhookServer#DEFAULT_MAX_BODY_BYTES}. */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
                throw new InvalidInputException("maxBodyBytes", "must be 1024 to 16777216, was " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /** Handler threads, 1 to 64. Default {@value TwilioWebhookServer#DEFAULT_THREADS}. */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new InvalidInputException("threads", "must be 1 to 64, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Starts the server.
         *
         * @throws ConsentKitException if the address cannot be bound
         */
        public TwilioWebhookServer start() {
            if (routes.containsKey(healthPath)) {
                throw new InvalidInputException("healthPath", "is also a webhook route: " + healthPath);
            }
            try {
                return new TwilioWebhookServer(new Settings(address, routes, healthPath, maxBodyBytes, threads));
            } catch (IOException e) {
                throw new ConsentKitException("cannot listen on " + address + ": " + e.getMessage(), e);
            }
        }

        private static String path(String p, String field) {
            String s = InvalidInputException.requireText(field, p);
            if (!s.startsWith("/") || s.contains("?") || s.contains("#")) {
                throw new InvalidInputException(field, "must start with / and have no query, was " + s);
            }
            return s;
        }
    }
}
