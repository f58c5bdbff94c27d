package io.consentkit.testkit;

import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.GatewayRequest;
import io.consentkit.send.GatewayResult;
import io.consentkit.send.GatewayResult.FailureKind;
import io.consentkit.send.SmsGateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * An {@link SmsGateway} for tests, in the style of OkHttp's MockWebServer: enqueue the outcomes
 * the next sends should get, run the code under test, then inspect the recorded requests. When the
 * queue is empty every send is accepted with a generated Twilio-style id ({@code SM} and 32 hex
 * digits) and status {@code queued}, unless another {@linkplain Builder#defaultOutcome default} is
 * set. Needs no test framework.
 *
 * <pre>{@code
 * FakeSmsGateway gateway = FakeSmsGateway.create();
 * gateway.enqueueOptedOut();                         // the first send fails with 21610
 * GuardedSender sender = GuardedSender.builder(tracker, gateway).quietHours(QuietHours.none()).build();
 *
 * SendOutcome first = sender.send(OutboundMessage.transactional("+15125551234", "Your order shipped"));
 * SendOutcome second = sender.send(OutboundMessage.transactional("+15125551234", "Your order arrived"));
 *
 * assertThat(first).isInstanceOf(SendOutcome.Failed.class);    // consent is now revoked
 * assertThat(second).isInstanceOf(SendOutcome.Blocked.class);  // blocked before the gateway
 * assertThat(gateway.requestCount()).isEqualTo(1);
 * assertThat(gateway.lastRequest().body()).isEqualTo("Your order shipped");
 * }</pre>
 * (This example runs in the testkit's {@code ReadmeExampleTest}.)
 *
 * <p>The error codes are Twilio's ({@value #OPTED_OUT_CODE} opted out, {@value #INVALID_NUMBER_CODE}
 * invalid number, {@value #RATE_LIMITED_CODE} too many requests), as the Twilio gateway reports them.
 *
 * <p>Thread-safe and lock-free: usable from many threads at once (recording can be turned off for
 * benchmarks with {@link Builder#recordRequests(boolean)}; then threads share no counter, so
 * sends on several threads do not slow each other down).
 */
public final class FakeSmsGateway implements SmsGateway {
    /** Twilio's "attempt to send to unsubscribed recipient": {@value}. */
    public static final int OPTED_OUT_CODE = 21610;
    /** Twilio's "invalid 'To' phone number": {@value}. */
    public static final int INVALID_NUMBER_CODE = 21211;
    /** Twilio's "too many requests": {@value}. */
    public static final int RATE_LIMITED_CODE = 20429;
    /** Twilio's internal server error: {@value}. */
    public static final int SERVER_ERROR_CODE = 30500;
    private static final int ID_BLOCK = 1024;

    private final Clock clock;
    private final boolean record;
    private final String name;
    private final Function<GatewayRequest, GatewayResult> defaultOutcome;
    private final ConcurrentLinkedQueue<GatewayResult> queue = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    /** Sends received while recording: each send's index. */
    private final AtomicInteger count = new AtomicInteger();
    /**
     * Sends received while not recording, counted per thread cell: one counter that every send
     * increments is a cache line two threads fight over, which made the bare gateway slower on two
     * threads than on one.
     */
    private final LongAdder unrecorded = new LongAdder();
    /** Blocks of default ids handed to threads while not recording ({@value #ID_BLOCK} each). */
    private final AtomicLong idBlocks = new AtomicLong();
    private final ThreadLocal<long[]> idBlock = ThreadLocal.withInitial(() -> new long[2]);
    private final AtomicLong scripted = new AtomicLong();

    /**
     * One send the fake received, with what it answered. Immutable.
     *
     * @param index   0 for the first send, 1 for the next...
     * @param at      when it was received (the fake's clock)
     * @param request what was sent
     * @param result  what the fake answered
     */
    public record Request(int index, Instant at, GatewayRequest request, GatewayResult result) {
        public Request {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(result, "result");
        }

        /** The recipient. */
        public PhoneNumber to() {
            return request.to();
        }

        /** The body sent. */
        public String body() {
            return request.body();
        }

        /** True if the fake accepted it. */
        public boolean accepted() {
            return result instanceof GatewayResult.Accepted;
        }
    }

    /**
     * What {@link Builder#build()} hands to the constructor.
     *
     * @param clock          stamps recorded requests
     * @param record         whether requests are kept
     * @param name           the gateway's name
     * @param defaultOutcome the answer when nothing is queued, or null for an acceptance
     */
    private record Settings(Clock clock, boolean record, String name,
                            Function<GatewayRequest, GatewayResult> defaultOutcome) {
        private Settings {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(name, "name");
        }
    }

    private FakeSmsGateway(Settings s) {
        this.clock = s.clock();
        this.record = s.record();
        this.name = s.name();
        this.defaultOutcome = s.defaultOutcome();
    }

    /** A fake that accepts everything unless told otherwise, with the system clock. */
    public static FakeSmsGateway create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- scripting ----------------------------------------------------------------------------

    /** The next send (after those already queued) gets {@code result}. */
    public FakeSmsGateway enqueue(GatewayResult result) {
        queue.add(Objects.requireNonNull(result, "result"));
        return this;
    }

    /** The next send is accepted with a generated id. */
    public FakeSmsGateway enqueueAccepted() {
        return enqueue(new GatewayResult.Accepted(nextId(), "queued", 0));
    }

    /** The next send is accepted with this id and segment count. */
    public FakeSmsGateway enqueueAccepted(String providerId, int segments) {
        return enqueue(new GatewayResult.Accepted(providerId, "queued", segments));
    }

    /** The next send fails: the recipient opted out ({@value #OPTED_OUT_CODE}). */
    public FakeSmsGateway enqueueOptedOut() {
        return enqueue(new GatewayResult.Failed(FailureKind.OPTED_OUT, OPTED_OUT_CODE,
                "Attempt to send to unsubscribed recipient", Duration.ZERO));
    }

    /** The next send fails: the number is invalid ({@value #INVALID_NUMBER_CODE}). */
    public FakeSmsGateway enqueueInvalidNumber() {
        return enqueue(new GatewayResult.Failed(FailureKind.INVALID_NUMBER, INVALID_NUMBER_CODE,
                "The 'To' number is not a valid phone number.", Duration.ZERO));
    }

    /** The next send is throttled ({@value #RATE_LIMITED_CODE}, HTTP 429) with this Retry-After. */
    public FakeSmsGateway enqueueRateLimited(Duration retryAfter) {
        return enqueue(new GatewayResult.Failed(FailureKind.RATE_LIMITED, RATE_LIMITED_CODE, "Too Many Requests",
                retryAfter));
    }

    /** The next send fails before the provider accepted it ({@value #SERVER_ERROR_CODE}): safe to retry. */
    public FakeSmsGateway enqueueServerError() {
        return enqueue(new GatewayResult.Failed(FailureKind.TEMPORARY, SERVER_ERROR_CODE, "Internal server error",
                Duration.ZERO));
    }

    /**
     * The next send times out after the request was sent: the outcome is unknown (the provider may
     * have accepted it), so it must not be retried.
     */
    public FakeSmsGateway enqueueTimeout() {
        return enqueue(new GatewayResult.Failed(FailureKind.UNKNOWN_OUTCOME, 0,
                "timed out waiting for the response", Duration.ZERO));
    }

    /** Drops queued outcomes and recorded requests. */
    public void reset() {
        queue.clear();
        requests.clear();
    }

    // ---- the gateway --------------------------------------------------------------------------

    @Override
    public GatewayResult send(GatewayRequest request) {
        Objects.requireNonNull(request, "request");
        if (!record) {
            unrecorded.increment();
            GatewayResult result = queue.poll();
            return result != null ? result : defaultResult(request, 0);
        }
        int index = count.getAndIncrement();
        GatewayResult result = queue.poll();
        if (result == null) {
            result = defaultResult(request, index + 1L);
        }
        requests.add(new Request(index, clock.instant(), request, result));
        return result;
    }

    /** The answer when nothing is queued; {@code n} numbers a default id (0: the next of this thread's block). */
    private GatewayResult defaultResult(GatewayRequest request, long n) {
        if (defaultOutcome != null) {
            return Objects.requireNonNull(defaultOutcome.apply(request), "default outcome returned null");
        }
        return new GatewayResult.Accepted(id(n > 0 ? n : nextUnrecordedId()), "queued", 0);
    }

    /** A default id while not recording: the next of the calling thread's block, unique within this fake. */
    private long nextUnrecordedId() {
        long[] b = idBlock.get();
        if (b[0] == b[1]) {
            b[0] = idBlocks.getAndAdd(ID_BLOCK) + 1;
            b[1] = b[0] + ID_BLOCK;
        }
        return b[0]++;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * A new id: {@code SM} followed by 32 lower-case hex digits, unique within this fake (ids of
     * default acceptances count sends up from 1, in blocks per thread when requests are not
     * recorded; these count down from the top, so the two never meet).
     */
    public String nextId() {
        return id(Long.MAX_VALUE - scripted.getAndIncrement());
    }

    private static String id(long n) {
        String hex = Long.toHexString(n);
        StringBuilder sb = new StringBuilder(34).append("SM");
        for (int i = hex.length(); i < 32; i++) {
            sb.append('0');
        }
        return sb.append(hex).toString();
    }

    // ---- inspection ---------------------------------------------------------------------------

    /** Every send received so far, in order of arrival. */
    public List<Request> requests() {
        List<Request> out = new ArrayList<>(requests);
        out.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return List.copyOf(out);
    }

    /** How many sends were received (recorded or not). */
    public int requestCount() {
        return (int) (count.get() + unrecorded.sum());
    }

    /**
     * The most recent request.
     *
     * @throws IllegalStateException if nothing was sent (or recording is off)
     */
    public GatewayRequest lastRequest() {
        List<Request> all = requests();
        if (all.isEmpty()) {
            throw new IllegalStateException("no message was sent through " + name);
        }
        return all.get(all.size() - 1).request();
    }

    /** Outcomes enqueued and not used yet. */
    public int queued() {
        return queue.size();
    }

    @Override
    public String toString() {
        return "FakeSmsGateway[" + name + ", " + requestCount() + " sent, " + queue.size() + " queued]";
    }

    /** Configures a {@link FakeSmsGateway}. Not thread-safe. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private boolean record = true;
        private String name = "fake";
        private Function<GatewayRequest, GatewayResult> defaultOutcome;

        private Builder() {
        }

        /** Stamps recorded requests. Default: the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Whether requests are kept for inspection. Default true; turn off for long benchmarks. */
        public Builder recordRequests(boolean record) {
            this.record = record;
            return this;
        }

        /** The {@link SmsGateway#name()}, e.g. to tell a primary from a fallback. Default "fake". */
        public Builder name(String name) {
            this.name = io.consentkit.InvalidInputException.requireText("name", name);
            return this;
        }

        /** The answer when nothing is queued. Default: accepted, generated id, "queued". */
        public Builder defaultOutcome(Function<GatewayRequest, GatewayResult> outcome) {
            this.defaultOutcome = Objects.requireNonNull(outcome, "outcome");
            return this;
        }

        public FakeSmsGateway build() {
            return new FakeSmsGateway(new Settings(clock, record, name, defaultOutcome));
        }
    }
}
