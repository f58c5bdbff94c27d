package io.consentkit.jdbc;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.logging.Logger;

/**
 * The smallest connection pool a test needs: {@code close()} on a borrowed connection puts it back
 * (rolled back if a transaction was left open) instead of closing it, and a connection found closed
 * is dropped. Without it, every call of a store opens a new PostgreSQL backend (milliseconds each).
 * Grows to the peak concurrency and never shrinks. Thread-safe.
 */
final class TinyPool implements DataSource {
    private final DataSource real;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

    TinyPool(DataSource real) {
        this.real = real;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            if (!c.isClosed()) {
                return borrowed(c);
            }
        }
        return borrowed(real.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("one user per pool");
    }

    private Connection borrowed(Connection c) {
        boolean[] returned = {false};
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("close")) {
                if (!returned[0]) {
                    returned[0] = true;
                    if (!c.isClosed()) {
                        if (!c.getAutoCommit()) {
                            c.rollback();
                            c.setAutoCommit(true);
                        }
                        idle.offerFirst(c);
                    }
                }
                return null;
            }
            try {
                return method.invoke(c, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return real.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        real.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        real.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return real.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return real.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return real.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return real.isWrapperFor(iface);
    }
}
