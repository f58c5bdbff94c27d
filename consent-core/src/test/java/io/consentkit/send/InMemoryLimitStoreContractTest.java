package io.consentkit.send;

import io.consentkit.testkit.LimitStoreContract;

/** The in-memory limit store against the published contract. */
class InMemoryLimitStoreContractTest extends LimitStoreContract {
    @Override
    protected LimitStore newStore(LimitPolicy policy) {
        return LimitStore.inMemory(policy);
    }
}
