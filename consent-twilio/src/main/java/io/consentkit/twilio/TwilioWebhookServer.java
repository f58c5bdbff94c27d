package io.consentkit.twilio;

import io.consentkit.ConsentKitException;
import io.consentkit.InvalidInputException;
import io.consentkit.twilio.internal.HeaderDeadline;
import io.consentkit.twilio.internal.PerAddressConnectionLimit;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A small HTTP server for Twilio's webhooks on embedded Jetty 12, for apps without a web
 * framework: each route is a {@link WebhookHandler} (usually from {@link TwilioWebhooks}, which
 * checks signatures) mounted through {@link WebhookServlet}, plus a health route answering
 * {@code GET /health} with {@code {"status":"ok"}}, and any servlets {@link Builder#mount mounted} beside
 * them (the web pages of consent-web).
 *
 * <p>Requests are bounded: bodies over {@link Builder#maxBodyBytes(int)} get 413; a body not
 * received within {@link Builder#bodyTimeout(Duration)} gets 408; a bad {@code Host} header gets
 * 400; methods other than POST and GET get 405; unknown paths 404; a handler that throws gives
 * 500. Clients are bounded: headers and bodies are read without blocking a handler thread (slow
 * senders cost a socket, not a thread); a connection silent for {@link Builder#idleTimeout(Duration)},
 * or slower than {@link Builder#headerTimeout(Duration)} to send a request's headers, is closed; one remote address may hold {@link Builder#maxConnectionsPerAddress(int)} connections
 * and the server {@link Builder#maxConnections(int)} in all; {@code TCP_NODELAY} is on. Messages
 * about rejected requests and refused connections are rate-limited ({@link RateLimitedLog}). The
 * URL handed to handlers is the request's scheme + the {@code Host} header + the path as received,
 * so behind a TLS proxy set the verifier's {@link PublicUrl}.
 *
 * <p>Needs {@code org.eclipse.jetty:jetty-server} and {@code org.eclipse.jetty.ee11:jetty-ee11-servlet}
 * (12.1) on the classpath: optional dependencies of consent-twilio, which apps using only the
 * handlers or {@link WebhookServlet} in their own container do not need. Plain HTTP only: put it
 * behind a TLS-terminating proxy (Twilio calls HTTPS URLs). Thread-safe; {@link #close()} stops it.
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
    /** Default most connections one remote address may hold open: {@value}. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;
    /** Default most connections open in all: {@value}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** Default time a connection may stay silent (while sending headers, a body, or between requests): {@value} ms. */
    public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 10_000;
    /** Default time to send a request's headers, checked every so often (so at most twice this): {@value} ms. */
    public static final long DEFAULT_HEADER_TIMEOUT_MILLIS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(TwilioWebhookServer.class);
    /** Jetty's acceptor and selector threads, on top of the handler threads. */
    private static final int JETTY_THREADS = 2;
    private static final long STOP_GRACE_MILLIS = 2_000;

    private final Server server;
    private final ServerConnector connector;

    /**
     * What {@link Builder#start()} hands to the constructor, validated there.
     *
     * @param address                  where to listen
     * @param routes                   handlers by exact path
     * @param mounts                   servlets by path spec
     * @param healthPath               the health route (not one of the routes)
     * @param maxBodyBytes             largest request body accepted
     * @param threads                  handler threads
     * @param maxConnectionsPerAddress most open connections per remote address
     * @param maxConnections           most open connections in all
     * @param idleTimeoutMillis        longest silence on a connection
     * @param bodyTimeoutMillis        longest time to receive a body
     * @param headerTimeoutMillis      time to send a request's headers (checked every so often)
     */
    private record Settings(InetSocketAddress address, Map<String, WebhookHandler> routes,
                            Map<String, Servlet> mounts, String healthPath, int maxBodyBytes, int threads,
                            int maxConnectionsPerAddress, int maxConnections,
                            long idleTimeoutMillis, long bodyTimeoutMillis, long headerTimeoutMillis) {
        private Settings {
            Objects.requireNonNull(address, "address");
            routes = Map.copyOf(routes);
            mounts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(mounts));
            Objects.requireNonNull(healthPath, "healthPath");
        }
    }

    private TwilioWebhookServer(Settings s) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(s.threads() + JETTY_THREADS, Math.min(s.threads() + JETTY_THREADS, 4));
        pool.setName("consentkit-webhook");
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        server = new Server(pool);
        server.setStopTimeout(STOP_GRACE_MILLIS);
        server.setStopAtShutdown(false);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(8 * 1024);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(s.address().getAddress().getHostAddress());
        connector.setPort(s.address().getPort());
        connector.setIdleTimeout(s.idleTimeoutMillis());
        connector.setAcceptedTcpNoDelay(true);
        connector.setAcceptQueueSize(128);
        connector.addBean(new PerAddressConnectionLimit(s.maxConnectionsPerAddress(), (address, open) ->
                RateLimitedLog.REJECTED_REQUESTS.warn(LOG, "connection from {} refused: it has {} open (limit {})",
                        address.getHostAddress(), open, s.maxConnectionsPerAddress())));
        connector.addBean(new HeaderDeadline(s.headerTimeoutMillis(), remote ->
                RateLimitedLog.REJECTED_REQUESTS.warn(LOG, "connection from {} closed: no complete request headers within {} ms",
                        remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "?", s.headerTimeoutMillis())));
        server.addConnector(connector);
        server.addBean(new ConnectionLimit(s.maxConnections(), server));

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        s.routes().forEach((path, handler) -> {
            ServletHolder holder = new ServletHolder(new WebhookServlet(handler, s.maxBodyBytes(), s.bodyTimeoutMillis()));
            holder.setAsyncSupported(true);
            context.addServlet(holder, path);
        });
        s.mounts().forEach((spec, servlet) -> context.addServlet(new ServletHolder(servlet), spec));
        context.addServlet(new ServletHolder(new Fixed(true)), s.healthPath());
        if (!s.routes().containsKey("/") && !s.mounts().containsKey("/")) {
            context.addServlet(new ServletHolder(new Fixed(false)), "/");
        }
        org.eclipse.jetty.ee11.servlet.ErrorHandler contextErrors = new org.eclipse.jetty.ee11.servlet.ErrorHandler();
        contextErrors.setShowStacks(false);
        context.setErrorHandler(contextErrors);
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        server.setErrorHandler(errors);
        server.setHandler(new GracefulHandler(new ContentTypeAsGiven(context)));
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        LOG.info("Twilio webhook server listening on {} (routes {}, pages {}, health {})", baseUrl(), s.routes().keySet(),
                s.mounts().keySet(), s.healthPath());
    }

    /** A builder; add routes, then {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port it listens on (useful after binding port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port} it listens on. */
    public URI baseUrl() {
        String host = connector.getHost();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    /**
     * Stops: new requests get 503, requests being handled get up to two seconds to finish, then
     * the listener and the threads stop.
     */
    @Override
    public void close() {
        int port = port();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Twilio webhook server on port {} did not stop cleanly: {}", port, e.toString());
        }
        LOG.info("Twilio webhook server on port {} stopped", port);
    }

    @Override
    public String toString() {
        return "TwilioWebhookServer[" + (server.isStarted() ? baseUrl() : "stopped") + "]";
    }

    static int checkMaxBodyBytes(int bytes) {
        return WebhookServlet.checkMaxBodyBytes(bytes);
    }

    /**
     * Sends {@code Content-Type} as the handler gave it ({@code text/xml; charset=utf-8}): Jetty's
     * servlet layer rewrites known types to {@code text/xml;charset=utf-8}, which this undoes
     * just before the headers go out.
     */
    private static final class ContentTypeAsGiven extends Handler.Wrapper {
        ContentTypeAsGiven(Handler handler) {
            super(handler);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            return super.handle(request, new Response.Wrapper(request, response) {
                @Override
                public void write(boolean last, ByteBuffer content, Callback written) {
                    if (!isCommitted()) {
                        HttpFields.Mutable headers = getHeaders();
                        String type = headers.get(HttpHeader.CONTENT_TYPE);
                        if (type != null && type.contains(";charset=")) {
                            headers.put(HttpHeader.CONTENT_TYPE, type.replace(";charset=", "; charset="));
                        }
                    }
                    super.write(last, content, written);
                }
            }, callback);
        }
    }

    /** The health route (GET/HEAD answer {@code {"status":"ok"}}) or the 404 for every other path. */
    private static final class Fixed extends HttpServlet {
        private final boolean health;

        Fixed(boolean health) {
            this.health = health;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (!health) {
                WebhookServlet.write(resp, WebhookResponse.text(404, "not found\n"));
            } else if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
                resp.setHeader("Allow", "GET, HEAD");
                WebhookServlet.write(resp, WebhookResponse.text(405, "method not allowed\n"));
            } else {
                WebhookServlet.write(resp, new WebhookResponse(200, "application/json", "{\"status\":\"ok\"}"));
            }
        }
    }

    /** Configures and starts a {@link TwilioWebhookServer}. Setters check at once. Not thread-safe. */
    public static final class Builder {
        private InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
        private final Map<String, WebhookHandler> routes = new LinkedHashMap<>();
        private final Map<String, Servlet> mounts = new LinkedHashMap<>();
        private String healthPath = DEFAULT_HEALTH_PATH;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int threads = DEFAULT_THREADS;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private long idleTimeoutMillis = DEFAULT_IDLE_TIMEOUT_MILLIS;
        private long bodyTimeoutMillis = WebhookServlet.DEFAULT_BODY_TIMEOUT_MILLIS;
        private long headerTimeoutMillis = DEFAULT_HEADER_TIMEOUT_MILLIS;

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
         * Mounts {@code servlet} beside the webhooks (web pages: the opt-in page, the console), under the
         * Servlet path spec {@code pathSpec}: an exact path ({@code /optin}) or a prefix ({@code /console/*}).
         * The server's context has no HTTP sessions ({@code NO_SESSIONS}): a servlet keeps its own state.
         * The body limit and timeouts of {@link #maxBodyBytes} and {@link #bodyTimeout} apply to the webhook
         * routes only; Jetty's own form limits apply to mounted servlets. Exact webhook routes win over a
         * prefix mount.
         *
         * @throws InvalidInputException naming {@code pathSpec} for a bad spec or one already mounted or routed
         */
        public Builder mount(String pathSpec, Servlet servlet) {
            Objects.requireNonNull(servlet, "servlet");
            String spec = InvalidInputException.requireText("pathSpec", pathSpec);
            String base = spec.endsWith("/*") ? spec.substring(0, spec.length() - 2) : spec;
            if (!spec.startsWith("/") || base.contains("*") || spec.contains("?") || spec.contains("#")
                    || (base.isEmpty() && !spec.equals("/*"))) {
                throw new InvalidInputException("pathSpec", "must be an exact path (/optin) or a prefix (/console/*), "
                        + "was " + spec);
            }
            if (mounts.containsKey(spec) || routes.containsKey(spec)) {
                throw new InvalidInputException("pathSpec", "is already mounted: " + spec);
            }
            mounts.put(spec, servlet);
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
            this.maxBodyBytes = checkMaxBodyBytes(bytes);
            return this;
        }

        /** Handler threads, 1 to 64. Default {@value TwilioWebhookServer#DEFAULT_THREADS}. */
        public Builder threads(int threads) {
            this.threads = range("threads", threads, 1, 64);
            return this;
        }

        /**
         * Most connections one remote IP address may hold open, 1 to 10,000; more are closed at
         * once. Default {@value TwilioWebhookServer#DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}. Behind a
         * proxy every connection comes from the proxy: allow for its pool.
         */
        public Builder maxConnectionsPerAddress(int connections) {
            this.maxConnectionsPerAddress = range("maxConnectionsPerAddress", connections, 1, 10_000);
            return this;
        }

        /** Most connections open in all, 1 to 100,000; beyond it, accepting pauses. Default {@value TwilioWebhookServer#DEFAULT_MAX_CONNECTIONS}. */
        public Builder maxConnections(int connections) {
            this.maxConnections = range("maxConnections", connections, 1, 100_000);
            return this;
        }

        /**
         * Longest silence on a connection, 100 ms to 10 min: while it sends headers or a body,
         * or between requests. Default {@value TwilioWebhookServer#DEFAULT_IDLE_TIMEOUT_MILLIS} ms.
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeoutMillis = millis("idleTimeout", timeout);
            return this;
        }

        /**
         * Longest time to receive a request body once its headers are in, 100 ms to 10 min (408
         * after it). Default {@value WebhookServlet#DEFAULT_BODY_TIMEOUT_MILLIS} ms.
         */
        public Builder bodyTimeout(Duration timeout) {
            this.bodyTimeoutMillis = millis("bodyTimeout", timeout);
            return this;
        }

        /**
         * Time a client has to send a request's headers, 100 ms to 10 min: a connection with no
         * request in progress that starts no new one within one to two of these (from its opening or
         * the previous answer) is closed, however slowly it dribbles bytes. Default
         * {@value TwilioWebhookServer#DEFAULT_HEADER_TIMEOUT_MILLIS} ms.
         */
        public Builder headerTimeout(Duration timeout) {
            this.headerTimeoutMillis = millis("headerTimeout", timeout);
            return this;
        }

        /**
         * Starts the server.
         *
         * @throws ConsentKitException if Jetty is not on the classpath or the address cannot be bound
         */
        public TwilioWebhookServer start() {
            if (routes.containsKey(healthPath) || mounts.containsKey(healthPath)) {
                throw new InvalidInputException("healthPath", "is also a webhook route or mount: " + healthPath);
            }
            for (String spec : mounts.keySet()) {
                if (routes.containsKey(spec)) {
                    throw new InvalidInputException("pathSpec", "is also a webhook route: " + spec);
                }
            }
            requireJetty();
            try {
                return new TwilioWebhookServer(new Settings(address, routes, mounts, healthPath, maxBodyBytes, threads,
                        maxConnectionsPerAddress, maxConnections, idleTimeoutMillis, bodyTimeoutMillis, headerTimeoutMillis));
            } catch (IOException e) {
                throw new ConsentKitException("cannot listen on " + address + ": " + e.getMessage(), e);
            } catch (Exception e) {
                throw new ConsentKitException("cannot start the webhook server on " + address + ": " + e, e);
            }
        }

        private static void requireJetty() {
            for (String type : new String[] {"org.eclipse.jetty.server.Server", "org.eclipse.jetty.ee11.servlet.ServletContextHandler",
                    "jakarta.servlet.http.HttpServlet"}) {
                try {
                    Class.forName(type, false, TwilioWebhookServer.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new ConsentKitException("TwilioWebhookServer needs embedded Jetty 12.1 on the classpath "
                            + "(org.eclipse.jetty:jetty-server and org.eclipse.jetty.ee11:jetty-ee11-servlet); missing " + type, e);
                }
            }
        }

        private static int range(String field, int value, int min, int max) {
            if (value < min || value > max) {
                throw new InvalidInputException(field, "must be " + min + " to " + max + ", was " + value);
            }
            return value;
        }

        private static long millis(String field, Duration d) {
            Objects.requireNonNull(d, field);
            if (d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new InvalidInputException(field, "must be 100 ms to 10 min, was " + d);
            }
            return d.toMillis();
        }

        private static String path(String p, String field) {
            String s = InvalidInputException.requireText(field, p);
            if (!s.startsWith("/") || s.contains("?") || s.contains("#") || s.contains("*")) {
                throw new InvalidInputException(field, "must start with / and have no query or wildcard, was " + s);
            }
            return s;
        }
    }
}
