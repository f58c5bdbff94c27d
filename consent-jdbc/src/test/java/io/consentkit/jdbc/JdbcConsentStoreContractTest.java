package io.consentkit.jdbc;

import io.consentkit.journal.ConsentStore;
import io.consentkit.testkit.ConsentStoreContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.util.concurrent.atomic.AtomicInteger;

/** The store contract (ConsentStoreContract from consent-testkit) against a real PostgreSQL. */
@Timeout(120)
class JdbcConsentStoreContractTest extends ConsentStoreContract {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static DataSource db;
    private String prefix;

    @BeforeAll
    static void startServer() {
        db = LocalPostgres.newDatabase();
    }

    private ConsentStore open() {
        return JdbcConsentStore.builder(db).tablePrefix(prefix).createSchema(true).build();
    }

    @Override
    protected ConsentStore newStore() {
        prefix = "c" + TABLES.incrementAndGet() + "_";
        return open();
    }

    @Override
    protected ConsentStore reopen(ConsentStore store) {
        store.close();
        return open();
    }
}
