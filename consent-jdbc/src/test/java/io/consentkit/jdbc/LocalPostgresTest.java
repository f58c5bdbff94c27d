package io.consentkit.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded server the other tests use starts, and answers on 127.0.0.1. */
@Timeout(120)
class LocalPostgresTest {
    @Test
    void serverAnswersOnLoopback() throws Exception {
        try (Connection c = LocalPostgres.newDatabase().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT inet_server_addr()::text, current_setting('server_version_num')::int")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("127.0.0.1");
            assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(130000);
        }
    }
}
