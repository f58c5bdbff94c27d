package io.consentkit.twilio.internal;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Closes connections that take too long to send a request's headers, which an idle timeout alone
 * cannot catch when a client dribbles one byte at a time. Every {@code period} it looks at each
 * open connection: one with no request in progress (all received requests answered) that has
 * received no new request since the previous look is closed. So a request's headers must be
 * complete within one to two periods of the connection opening or of the previous answer. Add it
 * as a bean of the connector (it is a Jetty life cycle: its timer thread runs while the connector
 * does). Thread-safe. Not public API.
 */
public final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener {
    private final long periodMillis;
    private final Consumer<SocketAddress> onExpired;
    /** Requests received by each connection at the previous look; -1 before the first. */
    private final Map<Connection, Long> seen = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    public HeaderDeadline(long periodMillis, Consumer<SocketAddress> onExpired) {
        if (periodMillis < 1) {
            throw new IllegalArgumentException("periodMillis must be positive, was " + periodMillis);
        }
        this.periodMillis = periodMillis;
        this.onExpired = onExpired;
    }

    @Override
    protected void doStart() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "consentkit-webhook-header-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::sweep, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        timer.shutdownNow();
        seen.clear();
    }

    @Override
    public void onOpened(Connection connection) {
        seen.put(connection, -1L);
    }

    @Override
    public void onClosed(Connection connection) {
        seen.remove(connection);
    }

    /** One look at every open connection. */
    void sweep() {
        for (Map.Entry<Connection, Long> e : seen.entrySet()) {
            Connection c = e.getKey();
            long in = c.getMessagesIn();
            if (in == c.getMessagesOut() && in == e.getValue()) {
                seen.remove(c);
                SocketAddress remote = c.getEndPoint().getRemoteSocketAddress();
                c.getEndPoint().close();
                onExpired.accept(remote);
            } else {
                e.setValue(in);
            }
        }
    }

    @Override
    public String toString() {
        return "HeaderDeadline[every " + periodMillis + " ms]";
    }
}
