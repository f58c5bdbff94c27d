package io.consentkit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An activity line for long operations ({@code import}, {@code export}, {@code verify}, {@code stats})
 * on a terminal: the step and the seconds elapsed, redrawn in place on stderr and erased when done;
 * once the operation gives its {@link #total} (a file's size) and {@link #advance}s by the bytes it
 * has read (or a core operation reports through {@link #listener}), a percentage bar ({@link #line}). Redrawn at most every {@value #PERIOD_MILLIS} ms, however
 * fast the bytes come. It is shown only when the
 * process runs on a terminal ({@link #terminal}, set by {@link ConsentCli#main} from
 * {@link System#console()}, which is null when standard input or output is redirected), so piped or
 * redirected runs, scripts and tests never get it. Thread-safe.
 */
final class Progress implements AutoCloseable {
    /** First redraw after this, so short operations print nothing. */
    static final long DELAY_MILLIS = 500;
    static final long PERIOD_MILLIS = 250;
    private static final int BAR_WIDTH = 20;

    /** Whether this process runs on a terminal; false unless {@link ConsentCli#main} finds one. */
    static volatile boolean terminal;

    private final PrintWriter err;
    private final ScheduledExecutorService timer;
    private final long start = System.nanoTime();
    private volatile String step;
    private volatile long total;
    private final java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
    private boolean drawn;
    private boolean closed;

    private Progress(PrintWriter err, String step, boolean show) {
        this.err = err;
        this.step = step;
        if (show) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "consent-progress");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::draw, DELAY_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /**
     * Starts the activity line on {@code err} if {@code wanted} and the process runs on a terminal;
     * else one that does nothing.
     */
    static Progress start(PrintWriter err, String step, boolean wanted) {
        return new Progress(err, step, wanted && terminal);
    }

    /** Names the step now under way. */
    void step(String now) {
        this.step = now;
    }

    /** True if the line is shown: only then is it worth measuring what {@link #advance} takes. */
    boolean shown() {
        return timer != null;
    }

    /** The work in bytes (a file's size): from now on the line is a percentage bar. Zero: unknown. */
    void total(long bytes) {
        this.total = Math.max(0, bytes);
    }

    /** Counts {@code bytes} more done. */
    void advance(long bytes) {
        if (timer != null) {
            done.addAndGet(bytes);
        }
    }

    /**
     * A listener for the core's long operations ({@code importLegacy}, the exports): each call sets the
     * total and the work done, so the line becomes a percentage bar.
     */
    io.consentkit.consent.ProgressListener listener() {
        return (now, of) -> {
            if (timer != null) {
                total(of);
                done.set(Math.max(0, now));
            }
        };
    }

    /** The bytes advanced so far (for tests). */
    long doneBytes() {
        return done.get();
    }

    private synchronized void draw() {
        if (closed) {
            return;
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        err.print("\r\u001b[2K" + line(step, done.get(), total, seconds));
        err.flush();
        drawn = true;
    }

    /**
     * What the line shows: {@code consent: <step> ... 3 s} without a total, else
     * {@code consent: <step> [#########-----------]  45% 3 s} (done capped at the total).
     */
    static String line(String step, long done, long total, long seconds) {
        if (total <= 0) {
            return "consent: " + step + " ... " + seconds + " s";
        }
        long percent = Math.min(100, Math.max(0, done) * 100 / total);
        int filled = (int) (percent * BAR_WIDTH / 100);
        return "consent: " + step + " [" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] "
                + String.format(java.util.Locale.ROOT, "%3d%%", percent) + " " + seconds + " s";
    }

    /** Stops and erases the line. */
    @Override
    public synchronized void close() {
        if (timer == null) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        if (drawn) {
            err.print("\r\u001b[2K");
            err.flush();
        }
    }
}
