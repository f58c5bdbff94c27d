package io.consentkit.twilio.internal;

import org.eclipse.jetty.io.Connection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * A Jetty connection listener that keeps at most {@code max} open connections per remote IP
 * address: a connection over the limit is closed as soon as it opens, before any byte of it is
 * read, and {@code onRefused} hears the address and how many it had open. Add it as a bean of the
 * connector. Thread-safe. Not public API.
 */
public final class PerAddressConnectionLimit implements Connection.Listener {
    private final int max;
    private final BiConsumer<InetAddress, Integer> onRefused;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** Each open connection's address, kept because a closed socket no longer reports it. */
    private final ConcurrentHashMap<Connection, InetAddress> addresses = new ConcurrentHashMap<>();

    public PerAddressConnectionLimit(int max, BiConsumer<InetAddress, Integer> onRefused) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        this.max = max;
        this.onRefused = onRefused;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress a = address(connection);
        if (a == null) {
            return;
        }
        addresses.put(connection, a);
        int n = open.merge(a, 1, Integer::sum);
        if (n > max) {
            connection.getEndPoint().close();
            onRefused.accept(a, n - 1);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress a = addresses.remove(connection);
        if (a != null) {
            open.computeIfPresent(a, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Connections open from {@code address} now (refused ones count until their close is seen). */
    public int open(InetAddress address) {
        return open.getOrDefault(address, 0);
    }

    private static InetAddress address(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    @Override
    public String toString() {
        return "PerAddressConnectionLimit[" + max + "]";
    }
}
