package io.consentkit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An activity line for long operations ({@code import}, {@code export}) on a terminal: the step
 * and the seconds elapsed, redrawn in place on stderr and erased when done. It is shown only when the
 * process runs on a terminal ({@link #terminal}, set by {@link ConsentCli#main} from
 * {@link System#console()}, which is null when standard input or output is redirected), so piped or
 * redirected runs, scripts and tests never get it. Thread-safe.
 */
final class Progress implements AutoCloseable {
    /** First redraw after this, so short operations print nothing. */
    static final long DELAY_MILLIS = 500;
    private static final long PERIOD_MILLIS = 250;

    /** Whether this process runs on a terminal; false unless {@link ConsentCli#main} finds one. */
    static volatile boolean terminal;

    private final PrintWriter err;
    private final ScheduledExecutorService timer;
    private final long start = System.nanoTime();
    private volatile String step;
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

    private synchronized void draw() {
        if (closed) {
            return;
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        err.print("\r\u001b[2K" + "consent: " + step + " ... " + seconds + " s");
        err.flush();
        drawn = true;
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
