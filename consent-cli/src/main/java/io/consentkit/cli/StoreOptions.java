package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.CsvConsentStore;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every store-backed command shares: {@code --store}, {@code --brand}, {@code --format}. */
final class StoreOptions {
    /** Default journal: {@value}. */
    static final String DEFAULT_STORE = "consent-data/consents.csv";

    @Option(names = "--store", paramLabel = "<csv file>", defaultValue = DEFAULT_STORE,
            description = "CSV consent journal (created if missing by commands that write; read by status, history "
                    + "and export without locking or changing it). Default: ${DEFAULT-VALUE}")
    Path store;

    @Option(names = "--brand", defaultValue = "Our Business",
            description = "Brand name used in standardized consent texts. Default: ${DEFAULT-VALUE}")
    String brand;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "Output: text, or json (one object per line). Default: ${DEFAULT-VALUE}")
    OutputFormat format;

    ConsentTracker openTracker() {
        return ConsentTracker.builder(CsvConsentStore.open(store)).brand(brand).build();
    }

    /**
     * A tracker over a read-only open of the journal: works while a writer holds it, and changes,
     * creates and locks nothing (a missing journal is an error).
     */
    ConsentTracker openReadOnlyTracker() {
        return ConsentTracker.builder(CsvConsentStore.openReadOnly(store)).brand(brand).build();
    }
}
