package io.consentkit.send;

import io.consentkit.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * A chain of gateways: the first, then the next one when a failure is safe to retry elsewhere
 * ({@link GatewayResult.FailureKind#retryable()}: throttled, or a provider error before the
 * request was accepted). Never moves on after {@code UNKNOWN_OUTCOME} (the message may already be
 * on its way: a second try could text the person twice) or {@code OPTED_OUT} (no provider may
 * text them), nor after any other failure that is not retryable. Returns the first acceptance or
 * the last failure, with every provider call of the chain in {@link GatewayResult#attempts()}: the
 * sender names the provider that actually sent (the last attempt) in {@link SendOutcome.Sent#gateway()}
 * and logs every attempt ({@link SendLogEntry#attempts()}).
 *
 * <pre>{@code
 * SmsGateway gateway = FallbackGateway.of(primary, secondary);
 * }</pre>
 *
 * <p>Thread-safe if its gateways are.
 */
public final class FallbackGateway implements SmsGateway {
    private static final Logger LOG = LoggerFactory.getLogger(FallbackGateway.class);

    private final List<SmsGateway> chain;
    private final String name;

    private FallbackGateway(List<SmsGateway> chain) {
        this.chain = chain;
        StringJoiner j = new StringJoiner(",", "fallback[", "]");
        chain.forEach(g -> j.add(g.name()));
        this.name = j.toString();
    }

    /**
     * A chain trying {@code gateways} in order.
     *
     * @throws InvalidInputException if fewer than two are given or one is null
     */
    public static FallbackGateway of(SmsGateway... gateways) {
        if (gateways == null || gateways.length < 2) {
            throw new InvalidInputException("gateways", "needs at least two (a primary and a fallback)");
        }
        for (SmsGateway g : gateways) {
            if (g == null) {
                throw new InvalidInputException("gateways", "contains null");
            }
        }
        return new FallbackGateway(List.of(gateways));
    }

    /** The gateways, in order. */
    public List<SmsGateway> gateways() {
        return chain;
    }

    @Override
    public GatewayResult send(GatewayRequest request) {
        GatewayResult result = null;
        List<GatewayAttempt> attempts = new ArrayList<>(chain.size());
        for (int i = 0; i < chain.size(); i++) {
            SmsGateway g = chain.get(i);
            result = g.send(request);
            if (result == null) {
                throw new IllegalStateException("gateway " + g.name() + " returned null");
            }
            if (result.attempts().isEmpty()) {
                attempts.add(GatewayAttempt.of(g.name(), result));
            } else {
                attempts.addAll(result.attempts()); // a chain inside the chain: its own attempts
            }
            if (!(result instanceof GatewayResult.Failed f) || !f.retryable()) {
                return withAttempts(result, attempts);
            }
            if (i + 1 < chain.size()) {
                LOG.warn("gateway {} failed for {} ({} {}); trying {}", g.name(), request.to().masked(), f.kind(),
                        f.code(), chain.get(i + 1).name());
            }
        }
        return withAttempts(result, attempts);
    }

    private static GatewayResult withAttempts(GatewayResult r, List<GatewayAttempt> attempts) {
        if (r instanceof GatewayResult.Accepted a) {
            return new GatewayResult.Accepted(a.providerId(), a.status(), a.segments(), attempts);
        }
        GatewayResult.Failed f = (GatewayResult.Failed) r;
        return new GatewayResult.Failed(f.kind(), f.code(), f.message(), f.retryAfter(), attempts);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
