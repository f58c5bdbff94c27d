package io.consentkit.jdbc;

import io.consentkit.send.LimitPolicy;
import io.consentkit.send.LimitStore;
import io.consentkit.testkit.LimitStoreContract;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

/** The published limit-store contract, against PostgreSQL: each store over its own fresh tables. */
@Timeout(120)
class JdbcLimitStoreContractTest extends LimitStoreContract {
    private static final DataSource DB = new TinyPool(LocalPostgres.newDatabase());
    private static final AtomicInteger STORES = new AtomicInteger();

    @Override
    protected LimitStore newStore(LimitPolicy policy) {
        return JdbcLimitStore.builder(DB).tablePrefix("c" + STORES.incrementAndGet() + "_").createSchema(true)
                .clock(Clock.fixed(NOON, ZoneOffset.UTC)).build(policy);
    }
}
