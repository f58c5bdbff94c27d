package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.inbound.KeywordParser;
import io.consentkit.inbound.ReplyPolicy;
import io.consentkit.send.CsvSendLog;
import io.consentkit.send.SendLog;
import io.consentkit.web.console.ConsoleSendLog;
import io.consentkit.web.console.ConsoleStats;
import io.consentkit.twilio.DebuggerEvent;
import io.consentkit.twilio.PublicUrl;
import io.consentkit.twilio.RateLimitedLog;
import io.consentkit.twilio.SignatureCheck;
import io.consentkit.twilio.TwilioCredentials;
import io.consentkit.twilio.TwilioWebhookListener;
import io.consentkit.twilio.TwilioWebhookServer;
import io.consentkit.twilio.TwilioWebhooks;
import io.consentkit.twilio.WebhookVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code consent serve}: a webhook server for apps without a web framework. Receives Twilio's
 * inbound messages (STOP/START/HELP, Y/N answers, replying with TwiML), status callbacks (into the
 * CSV send log; 21610/30004 revoke consent) and Debugger events (printed), every one signature-checked
 * with the Auth Token ({@code TWILIO_AUTH_TOKEN} or {@code --auth-token-file}). Runs until the
 * process is stopped (Ctrl-C) or the thread is interrupted.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Receives Twilio webhooks: POST /twilio/inbound (messaging webhook), /twilio/status "
                + "(status callbacks), /twilio/debugger (Debugger webhook); GET /health. Every webhook's "
                + "X-Twilio-Signature is checked with the Auth Token (TWILIO_AUTH_TOKEN or --auth-token-file); "
                + "unsigned or forged requests get 403.",
            "Plain HTTP: put it behind a TLS proxy or tunnel and give the URL Twilio calls with --public-url."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Mixin
    ConsoleOptions pages;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "<port>",
            description = "Port to listen on (0 picks a free one). Default: ${DEFAULT-VALUE}")
    int port;
    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "<address>",
            description = "Address to listen on; 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE}")
    String bind;
    @Option(names = "--public-url", paramLabel = "<url>",
            description = "Base URL Twilio calls when a proxy or tunnel is in between (scheme, host, port and path "
                    + "prefix as Twilio sees them), e.g. https://hooks.example.com/app. Signatures are checked "
                    + "against it. Default: the URL as received.")
    URI publicUrl;
    @Option(names = "--auth-token-file", paramLabel = "<file>",
            description = "File holding the Twilio Auth Token (instead of the TWILIO_AUTH_TOKEN variable).")
    Path authTokenFile;
    @Option(names = "--send-log", paramLabel = "<csv file>",
            description = "CSV send log that status callbacks update. Default: sends.csv next to the CSV store (consent-data/sends.csv for a JDBC store).")
    Path sendLog;
    @Option(names = "--support", paramLabel = "<contact>",
            description = "Support contact (phone, email or site) for the HELP reply; without it HELP is left to Twilio.")
    String support;
    @Option(names = "--strict", description = "Match whole-message keywords only (as Twilio does).")
    boolean strict;
    @Option(names = "--provider-answers", defaultValue = "true", arity = "1", paramLabel = "true|false",
            description = "Whether Twilio answers its own keywords (long code / toll-free: true; short code: false). "
                    + "Default: ${DEFAULT-VALUE}")
    boolean providerAnswers;
    @Option(names = "--max-body-bytes", defaultValue = "65536", paramLabel = "<bytes>",
            description = "Largest request body accepted (413 above). Default: ${DEFAULT-VALUE}")
    int maxBodyBytes;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String token = authToken();
        InetSocketAddress address = address();
        Path logFile = sendLog != null ? sendLog : opts.defaultSendLog();
        WebhookVerifier.Builder vb = WebhookVerifier.builder(token);
        if (publicUrl != null) {
            vb.publicUrl(PublicUrl.base(publicUrl));
        }
        WebhookVerifier verifier = vb.build();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        boolean interrupted = false;
        // the console's counters: told of every row the tracker writes, loaded once from the store at open
        ConsoleStats stats = pages.enabled(config())
                ? ConsoleStats.create(ZoneOffset.UTC, opts.programs().defaultProgram().name()) : null;
        try (ConsentTracker tracker = opts.openTracker(stats, stats == null ? null : store -> stats.load(store::replay), true);
             CsvSendLog csvLog = CsvSendLog.open(logFile)) {
            ConsoleSendLog counted = stats == null ? null : ConsoleSendLog.wrap(csvLog, ZoneOffset.UTC);
            SendLog log = counted == null ? csvLog : counted; // the console counts what the pages' sender writes
            InboundHandler.Builder ib = InboundHandler.builder(tracker)
                    .parser(strict ? KeywordParser.builder().mode(KeywordParser.Mode.STRICT).build() : KeywordParser.defaults());
            if (support != null && !support.isBlank()) {
                ib.supportContact(support);
            } else {
                ib.helpReplyPolicy(ReplyPolicy.NEVER);
            }
            if (!providerAnswers) {
                ib.providerKeywords(Set.of());
            }
            ConsoleOptions.Pages web = stats == null ? null
                    : pages.open(config(), tracker, stats, counted, logFile.resolveSibling("page-snapshots"));
            if (web != null) {
                ib.confirmations(web.confirmations()); // Y answers to the opt-in page's texts
            }
            TwilioWebhooks webhooks = TwilioWebhooks.builder(verifier, tracker)
                    .inboundHandler(ib.build())
                    .statusUpdates(log)
                    .listener(new Printer(out, opts.format))
                    .build();
            TwilioWebhookServer.Builder sb = TwilioWebhookServer.builder().bind(address).maxBodyBytes(maxBodyBytes)
                    .routes(webhooks);
            if (web != null) {
                web.mountOn(sb);
            }
            try (TwilioWebhookServer server = sb.start()) {
                Thread hook = new Thread(() -> {
                    // Ctrl-C / SIGTERM: let the command close the server, journal and send log
                    stop.countDown();
                    try {
                        closed.await(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "consent-serve-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                announce(out, server, logFile, web);
                try {
                    stop.await();
                } catch (InterruptedException e) {
                    // asked to stop (tests, an embedding app); close everything first: the store's
                    // file channel would be closed by a pending interrupt
                    interrupted = true;
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the JVM is exiting: the hook is running
                    }
                }
            }
        } finally {
            closed.countDown();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The configuration file and environment as the CLI resolved them (flags are applied on top). */
    private io.consentkit.config.ConsentKitConfig config() {
        if (spec.commandLine().getDefaultValueProvider() instanceof CliConfig c) {
            return c.config();
        }
        Object root = spec.root().userObject();
        return io.consentkit.config.ConsentKitConfig.loader()
                .environment(root instanceof ConsentCli cli ? cli.environment() : System.getenv()).load();
    }

    private void announce(PrintWriter out, TwilioWebhookServer server, Path logFile, ConsoleOptions.Pages web) {
        String base = server.baseUrl().toString();
        List<String> routes = List.of(TwilioWebhookServer.INBOUND_PATH, TwilioWebhookServer.STATUS_PATH,
                TwilioWebhookServer.DEBUGGER_PATH);
        if (opts.format == OutputFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("listening", base);
            m.put("routes", routes);
            m.put("health", TwilioWebhookServer.DEFAULT_HEALTH_PATH);
            m.put("publicUrl", publicUrl == null ? null : publicUrl.toString());
            m.put("store", opts.describe());
            m.put("sendLog", logFile.toString());
            if (web != null) {
                m.put("pages", web.paths());
            }
            out.println(Output.json(m));
        } else {
            out.println("listening on " + base + " (POST " + String.join(", ", routes) + "; GET "
                    + TwilioWebhookServer.DEFAULT_HEALTH_PATH + ")");
            out.println("signatures checked against " + (publicUrl == null ? "the URL as received" : publicUrl + "/..."));
            if (web != null) {
                web.paths().forEach((page, path) -> out.println("page " + page + ": " + base + path));
            }
        }
        out.flush();
    }

    private String authToken() {
        if (authTokenFile != null) {
            try {
                String t = Files.readString(authTokenFile, StandardCharsets.UTF_8).strip();
                if (t.isEmpty()) {
                    throw new InvalidInputException("auth-token-file", "is empty");
                }
                return t;
            } catch (IOException e) {
                throw new InvalidInputException("auth-token-file", "cannot be read: " + e.getMessage());
            }
        }
        String t = System.getenv(TwilioCredentials.ENV_AUTH_TOKEN);
        if (t == null || t.isBlank()) {
            throw new InvalidInputException(TwilioCredentials.ENV_AUTH_TOKEN,
                    "is not set: every webhook's signature is checked with it (or use --auth-token-file)");
        }
        return t.strip();
    }

    private InetSocketAddress address() {
        if (port < 0 || port > 65535) {
            throw new InvalidInputException("port", "must be 0 to 65535, was " + port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(bind), port);
        } catch (UnknownHostException e) {
            throw new InvalidInputException("bind", "is not a known address: " + bind);
        }
    }

    /** Prints Debugger events and rejected requests, one line each (rejections at most 10 per 10 s, then a count). */
    private static final class Printer implements TwilioWebhookListener {
        private final PrintWriter out;
        private final OutputFormat format;
        private final RateLimitedLog rejections = RateLimitedLog.perWindow(RateLimitedLog.DEFAULT_LINES,
                java.time.Duration.ofSeconds(RateLimitedLog.DEFAULT_WINDOW_SECONDS));

        Printer(PrintWriter out, OutputFormat format) {
            this.out = out;
            this.format = format;
        }

        @Override
        public void onDebuggerEvent(DebuggerEvent e) {
            if (format == OutputFormat.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("event", "twilio-debugger");
                m.put("sid", e.sid());
                m.put("level", e.level().name());
                m.put("errorCode", e.errorCode());
                m.put("resourceSid", e.resourceSid());
                m.put("timestamp", e.timestamp() == null ? null : e.timestamp().toString());
                print(Output.json(m));
            } else {
                print("DEBUGGER " + e.level() + " code " + e.errorCode()
                        + (e.resourceSid().isEmpty() ? "" : " resource " + e.resourceSid()) + " sid " + e.sid());
            }
        }

        @Override
        public void onRejected(String route, SignatureCheck check) {
            // anyone can send forged requests: a flood must not flood the console (or its log file)
            if (format == OutputFormat.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("event", "rejected");
                m.put("route", route);
                m.put("outcome", check.outcome().name());
                rejections.print(this::print, Output.json(m));
            } else {
                rejections.print(this::print, "REJECTED " + route + " " + check.outcome());
            }
        }

        private void print(String line) {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }
    }
}
