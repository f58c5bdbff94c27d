package io.consentkit.jdbc;

import io.consentkit.send.LimitPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three JVMs, four threads each, every one a GuardedSender over one JdbcLimitStore, texting the
 * same 12 numbers at once (see {@link ChildSender}): no recipient gets more than its daily cap, no
 * cooldown-bound message goes out twice, and exactly the global daily cap of messages was or may
 * have been sent in all, the places of refused sends having been given back across processes.
 */
@Timeout(300)
class JdbcLimitProcessTest {
    private static final int PROCESSES = 3;
    private static final int ATTEMPTS = 40;

    @Test
    void threeJvmsNeverPassACapOrACooldown(@TempDir Path dir) throws Exception {
        PGSimpleDataSource db = (PGSimpleDataSource) LocalPostgres.newDatabase();
        String prefix = "procs_";
        JdbcLimitStore.builder(db).tablePrefix(prefix).build(new LimitPolicy(ZoneOffset.UTC, Duration.ZERO, 0, 0, 0, 0,
                0, 0, 0, null, null, 0.9)).createSchema();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int p = 0; p < PROCESSES; p++) {
            Path log = dir.resolve("child-" + p + ".log");
            logs.add(log);
            children.add(new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), ChildSender.class.getName(),
                    Integer.toString(db.getPortNumbers()[0]), db.getDatabaseName(), prefix, Integer.toString(p),
                    Integer.toString(ATTEMPTS))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }
        Map<String, Integer> perRecipient = new HashMap<>();
        Map<String, Integer> cooldownBound = new HashMap<>();
        int total = 0;
        try {
            for (int p = 0; p < PROCESSES; p++) {
                Process child = children.get(p);
                assertThat(child.waitFor(240, TimeUnit.SECONDS)).as("child %d finished", p).isTrue();
                String out = Files.readString(logs.get(p));
                assertThat(child.exitValue()).as("child %d exit; output:%n%s", p, out).isZero();
                assertThat(out).contains("CHILD-DONE");
                for (String line : out.split("\n")) {
                    String[] f = line.strip().split(" ");
                    if (f[0].equals("SENT") || f[0].equals("MAYBE")) {
                        total++;
                        perRecipient.merge(f[2], 1, Integer::sum);
                        if (f[1].equals("TRANSACTIONAL")) {
                            cooldownBound.merge(f[2], 1, Integer::sum);
                        }
                    }
                }
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }
        assertThat(total).as("exactly the global daily cap went out").isEqualTo(ChildSender.GLOBAL_DAILY_CAP);
        assertThat(perRecipient.values()).as("per-recipient daily cap").allMatch(n -> n <= ChildSender.RECIPIENT_DAILY_CAP);
        assertThat(cooldownBound.values()).as("one cooldown-bound message per recipient in the cooldown")
                .allMatch(n -> n == 1);
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM procs_limit_send")) {
                rs.next();
                assertThat(rs.getLong(1)).as("send times kept").isEqualTo(ChildSender.GLOBAL_DAILY_CAP);
            }
            try (ResultSet rs = st.executeQuery("SELECT messages FROM procs_limit_day")) {
                rs.next();
                assertThat(rs.getLong(1)).as("the day's count").isEqualTo(ChildSender.GLOBAL_DAILY_CAP);
            }
        }
    }
}
