package io.consentkit.store;

import io.consentkit.testkit.ConsentStoreContract;
import io.consentkit.journal.ConsentStore;
import io.consentkit.store.InMemoryConsentStore;

class InMemoryConsentStoreContractTest extends ConsentStoreContract {
    @Override
    protected ConsentStore newStore() {
        return new InMemoryConsentStore();
    }

    @Override
    protected ConsentStore reopen(ConsentStore store) {
        store.close();
        return store; // the same memory: an in-memory store lives as long as its instance
    }
}
