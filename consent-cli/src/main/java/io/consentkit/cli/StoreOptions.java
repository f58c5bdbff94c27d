package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.CsvConsentStore;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Options every store-backed command shares: {@code --store}, {@code --brand}, {@code --format},
 * {@code --config}. {@code --store} and {@code --brand} default to the configuration
 * ({@link CliConfig}: {@code consentkit.store.csv.path}, {@code consentkit.brand} from the environment or
 * the configuration file), so the brand need not be repeated on every command.
 */
final class StoreOptions {
    /** Default journal: {@value}. */
    static final String DEFAULT_STORE = "consent-data/consents.csv";

    @Option(names = "--store", paramLabel = "<csv file>", defaultValue = DEFAULT_STORE,
            description = "CSV consent journal (created if missing by commands that write; read by status, history "
                    + "and export without locking or changing it). Default: ${DEFAULT-VALUE}")
    Path store;

    @Option(names = "--brand", defaultValue = "Our Business",
            description = "Brand name used in standardized consent texts. Default: ${DEFAULT-VALUE} (consentkit.brand "
                    + "from the environment, CONSENTKIT_BRAND, or the configuration file; else Our Business)")
    String brand;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "Output: text, or json (one object per line). Default: ${DEFAULT-VALUE}")
    OutputFormat format;

    @Option(names = "--config", paramLabel = "<file>",
            description = "Configuration file with consentkit.* keys (.yml, .yaml or .properties; docs/configuration.md). "
                    + "Default: ./consentkit.yml when present. Flags win over environment variables, which win over the file.")
    Path config;

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
