package io.consentkit.store;

import io.consentkit.testkit.ConsentStoreContract;
import io.consentkit.journal.ConsentStore;
import io.consentkit.store.CsvConsentStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

// snippet: store-contract
class CsvConsentStoreContractTest extends ConsentStoreContract {
    @TempDir Path dir;
    @Override protected ConsentStore newStore() { return CsvConsentStore.open(dir.resolve("c.csv")); }
    @Override protected ConsentStore reopen(ConsentStore s) { s.close(); return CsvConsentStore.open(dir.resolve("c.csv")); }
}
// end snippet
