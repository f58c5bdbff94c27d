package io.consentkit.spring.boot;

import io.consentkit.consent.ConsentListener;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendListener;
import io.consentkit.send.SendOutcome;
import io.consentkit.twilio.WebhookHandler;
import io.consentkit.twilio.WebhookResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * ConsentKit's Micrometer meters, fed by the core listener hooks ({@link ConsentListener},
 * {@link SendListener}) and by wrapping the webhook handlers. Names are lower-case and dotted under
 * {@code consentkit.}; tags carry only bounded, non-personal values (never a phone number, a body
 * or a message SID):
 *
 * <ul>
 *   <li>{@value #SENDS} (counter): {@code outcome} (sent, dry_run, blocked, deferred, failed),
 *       {@code reason} (the guard's reason or the failure kind), {@code category};</li>
 *   <li>{@value #OPT_INS} and {@value #OPT_OUTS} (counters): {@code method}, {@code program};</li>
 *   <li>{@value #WEBHOOK_REQUESTS} (counter): {@code route} (inbound, status, debugger), {@code status}
 *       (the HTTP status) and {@code result} (ok, rejected, bad_request, error);</li>
 *   <li>{@value #STORE_APPEND} (timer): the store's durable append, {@code store}.</li>
 * </ul>
 *
 * Thread-safe.
 */
public final class ConsentKitMetrics implements ConsentListener, SendListener {
    /** Sends by outcome, reason and category. */
    public static final String SENDS = "consentkit.sends";
    /** Opt-ins by method and program. */
    public static final String OPT_INS = "consentkit.consent.optins";
    /** Opt-outs by method and program. */
    public static final String OPT_OUTS = "consentkit.consent.optouts";
    /** Webhook requests by route and result. */
    public static final String WEBHOOK_REQUESTS = "consentkit.webhook.requests";
    /** Store append latency. */
    public static final String STORE_APPEND = "consentkit.store.append";

    private final MeterRegistry registry;
    private final String storeName;
    private final Timer append;

    /**
     * @param registry  where the meters go
     * @param storeName the store's name for the {@code store} tag (e.g. {@code csv})
     */
    public ConsentKitMetrics(MeterRegistry registry, String storeName) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.append = Timer.builder(STORE_APPEND).description("Durable appends to the consent journal")
                .tag("store", storeName).register(registry);
    }

    @Override
    public void onOptIn(ConsentRecord row) {
        counter(OPT_INS, "Consents granted", "method", tagValue(row.optInMethod()), "program", tagValue(row.program()))
                .increment();
    }

    @Override
    public void onOptOut(ConsentRecord row) {
        counter(OPT_OUTS, "Consents revoked", "method", tagValue(row.revokedMethod()), "program", tagValue(row.program()))
                .increment();
    }

    @Override
    public void onAppend(int rows, Duration latency) {
        append.record(latency);
    }

    @Override
    public void onOutcome(OutboundMessage message, SendOutcome outcome) {
        String kind;
        String reason;
        if (outcome instanceof SendOutcome.Sent) {
            kind = "sent";
            reason = "none";
        } else if (outcome instanceof SendOutcome.DryRun) {
            kind = "dry_run";
            reason = "none";
        } else if (outcome instanceof SendOutcome.Blocked b) {
            kind = "blocked";
            reason = b.reason().name();
        } else if (outcome instanceof SendOutcome.Deferred d) {
            kind = "deferred";
            reason = d.reason().name();
        } else if (outcome instanceof SendOutcome.Failed f) {
            kind = "failed";
            reason = f.kind().name();
        } else {
            kind = "other";
            reason = "none";
        }
        counter(SENDS, "Send decisions of the guarded sender", "outcome", kind, "reason", reason.toLowerCase(Locale.ROOT),
                "category", message.category().name().toLowerCase(Locale.ROOT)).increment();
    }

    /** {@code handler} counted in {@value #WEBHOOK_REQUESTS} under {@code route}. */
    public WebhookHandler counted(String route, WebhookHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return request -> {
            WebhookResponse response;
            try {
                response = handler.handle(request);
            } catch (RuntimeException e) {
                webhook(route, 500);
                throw e;
            }
            webhook(route, response.status());
            return response;
        };
    }

    private void webhook(String route, int status) {
        String result = status < 400 ? "ok" : status == 403 ? "rejected" : status < 500 ? "bad_request" : "error";
        counter(WEBHOOK_REQUESTS, "Twilio webhook requests", "route", route, "status", Integer.toString(status),
                "result", result).increment();
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /** An empty tag value as {@code none} (Micrometer registries differ on empty values). */
    private static String tagValue(String v) {
        return v == null || v.isEmpty() ? "none" : v;
    }

    @Override
    public String toString() {
        return "ConsentKitMetrics[" + storeName + "]";
    }
}
