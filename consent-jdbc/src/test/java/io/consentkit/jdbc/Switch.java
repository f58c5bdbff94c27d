package io.consentkit.jdbc;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * A DataSource that hands out connections from a live database until {@link #unplug()}, then from
 * a dead one (a real driver failing to connect): the database "goes away" under a running store.
 * Thread-safe.
 */
final class Switch implements DataSource {
    private final DataSource live;
    private final DataSource dead;
    private volatile boolean unplugged;

    Switch(DataSource live, DataSource dead) {
        this.live = live;
        this.dead = dead;
    }

    void unplug() {
        unplugged = true;
    }

    private DataSource current() {
        return unplugged ? dead : live;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return current().getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return current().getConnection(user, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return live.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        live.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        live.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return live.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return live.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return current().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return current().isWrapperFor(iface);
    }
}
