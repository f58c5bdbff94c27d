package io.consentkit.jdbc;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Appends of one instance commit concurrently, each writer's chain still following its sequence
 * (embedded PostgreSQL). Before, the chain per instance made its appends run one at a time: an append
 * waited for every other append of the instance to commit, and 8 threads appended no faster than one.
 */
@Timeout(120)
class JdbcConcurrentAppendTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    private static ConsentRecord row(String id, int n) {
        return new ConsentRecord(id, T.plusSeconds(n), PhoneNumber.of("+1512555" + String.format("%04d", n)), "web_form",
                "Texts from Acme. Reply STOP to opt out.", "", "", "", "", "", Map.of(), ConsentStatus.ACTIVE, null, "");
    }

    /**
     * The real database, with the first {@code commit()} of an append (once armed) held until
     * {@code release} opens: an append in flight, as a slow commit on a busy server leaves it.
     */
    private static DataSource holdingFirstCommit(DataSource db, AtomicBoolean armed, CountDownLatch held,
                                                 CountDownLatch release) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (p, m, args) -> {
                    Object r = invoke(db, m, args);
                    if (!m.getName().equals("getConnection")) {
                        return r;
                    }
                    Connection real = (Connection) r;
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (cp, cm, cargs) -> {
                                if (cm.getName().equals("commit") && armed.compareAndSet(true, false)) {
                                    held.countDown();
                                    assertThat(release.await(60, TimeUnit.SECONDS)).isTrue();
                                }
                                return invoke(real, cm, cargs);
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void anAppendCommitsWhileAnotherAppendOfTheSameInstanceIsInFlight() throws Exception {
        DataSource db = LocalPostgres.newDatabase();
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (JdbcConsentStore store = JdbcConsentStore.builder(holdingFirstCommit(db, armed, held, release))
                .tablePrefix("lanes_").createSchema(true).build()) {
            store.append(List.of(row("r0", 0))); // the schema, and the first writer's first row
            armed.set(true);
            CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> store.append(List.of(row("r1", 1))));
            assertThat(held.await(30, TimeUnit.SECONDS)).as("the first append reached its commit").isTrue();
            // on the old code this append waited for the held one: it timed out here
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> store.append(List.of(row("r2", 2))));
            other.get(30, TimeUnit.SECONDS);
            assertThat(slow).isNotDone();
            release.countDown();
            slow.get(30, TimeUnit.SECONDS);
            store.append(List.of(row("r3", 3)));

            List<JournalVerifier.Result> chains = store.verifyChain();
            assertThat(chains).allSatisfy(c -> assertThat(c.ok()).as(c.source() + ": " + c.firstBreak()).isTrue());
            assertThat(chains).as("two writers: the held append's and the one that went past it").hasSize(2);
            assertThat(chains.stream().mapToLong(JournalVerifier.Result::chainedRows).sum()).isEqualTo(4);
        } finally {
            release.countDown();
        }
    }
}
