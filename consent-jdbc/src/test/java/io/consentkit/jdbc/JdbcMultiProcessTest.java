package io.consentkit.jdbc;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three JVMs, each with its own tracker over one table, record 300 consents each (every 4th revoked
 * by STOP) while this JVM's tracker refreshes: no row lost or duplicated, and every opt-out written
 * elsewhere is seen here.
 */
@Timeout(300)
class JdbcMultiProcessTest {
    private static final int PROCESSES = 3;
    private static final int PER_PROCESS = 300;

    @Test
    void threeJvmsLoseNothingAndDuplicateNothing(@TempDir Path dir) throws Exception {
        PGSimpleDataSource db = (PGSimpleDataSource) LocalPostgres.newDatabase();
        String prefix = "procs_";
        try (JdbcConsentStore s = JdbcConsentStore.builder(db).tablePrefix(prefix).build()) {
            s.createSchema();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try (ConsentTracker here = ConsentTracker.builder(
                JdbcConsentStore.builder(db).tablePrefix(prefix).build()).build()) {
            for (int p = 0; p < PROCESSES; p++) {
                Path log = dir.resolve("child-" + p + ".log");
                logs.add(log);
                children.add(new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                        System.getProperty("java.class.path"), ChildWriter.class.getName(),
                        Integer.toString(db.getPortNumbers()[0]), db.getDatabaseName(), prefix, Integer.toString(p),
                        Integer.toString(PER_PROCESS))
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start());
            }
            try {
                for (int p = 0; p < PROCESSES; p++) {
                    Process child = children.get(p);
                    while (!child.waitFor(50, TimeUnit.MILLISECONDS)) {
                        here.refresh(); // polls race the children's appends
                    }
                    String out = Files.readString(logs.get(p));
                    assertThat(child.exitValue()).as("child %d exit; output:%n%s", p, out).isZero();
                    assertThat(out).contains("CHILD-DONE " + ChildWriter.rowsFor(PER_PROCESS));
                }
            } finally {
                children.forEach(Process::destroyForcibly);
            }
            here.refresh();
            for (int p = 0; p < PROCESSES; p++) {
                for (int i = 0; i < PER_PROCESS; i++) {
                    String phone = ChildWriter.phone(p, i);
                    assertThat(here.isOptedOut(phone)).as("%s opted out", phone).isEqualTo(i % 4 == 3);
                    assertThat(here.isActive(phone)).as("%s active", phone).isEqualTo(i % 4 != 3);
                }
            }
        }
        List<ConsentRecord> all = new ArrayList<>();
        try (JdbcConsentStore fresh = JdbcConsentStore.builder(db).tablePrefix(prefix).build()) {
            fresh.replay(all::add);
        }
        assertThat(all).hasSize(PROCESSES * ChildWriter.rowsFor(PER_PROCESS));
        Set<String> distinct = new HashSet<>();
        for (ConsentRecord r : all) {
            distinct.add(r.consentId() + "/" + r.status());
        }
        assertThat(distinct).as("no row twice").hasSize(all.size());
        assertThat(all.stream().filter(r -> r.status() == ConsentStatus.REVOKED)).hasSize(PROCESSES * PER_PROCESS / 4);
    }
}
