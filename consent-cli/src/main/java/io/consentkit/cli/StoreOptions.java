package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentListener;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentStore;
import io.consentkit.jdbc.JdbcConsentStore;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.JournalIndex;
import io.consentkit.consent.Programs;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Options every store-backed command shares: {@code --store} (a CSV journal, or a
 * {@code jdbc:postgresql:} URL with credentials from the environment), {@code --table-prefix},
 * {@code --create-schema}, {@code --brand}, {@code --programs}, {@code --format}, {@code --config}. {@code --store} and
 * {@code --brand} default to the configuration ({@link CliConfig}: {@code consentkit.store.csv.path},
 * {@code consentkit.brand} from the environment or the configuration file), so the brand need not be
 * repeated on every command.
 */
final class StoreOptions {
    /** Default journal: {@value}. */
    static final String DEFAULT_STORE = "consent-data/consents.csv";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--store", paramLabel = "<csv file>|<jdbc url>", defaultValue = DEFAULT_STORE,
            description = "CSV consent journal (created if missing by commands that write; read by status, history "
                    + "and export without locking or changing it), or a PostgreSQL database: "
                    + "jdbc:postgresql://host:port/database, user and password from CONSENTKIT_JDBC_USER / "
                    + "CONSENTKIT_JDBC_PASSWORD, else PGUSER / PGPASSWORD. Default: ${DEFAULT-VALUE}")
    String store;

    @Option(names = "--table-prefix", defaultValue = JdbcConsentStore.DEFAULT_TABLE_PREFIX, paramLabel = "<prefix>",
            description = "JDBC store: prefix of its table names. Default: ${DEFAULT-VALUE}")
    String tablePrefix;

    @Option(names = "--create-schema",
            description = "JDBC store: create its tables if they are missing (otherwise they are only checked).")
    boolean createSchema;

    @Option(names = "--brand", defaultValue = "Our Business",
            description = "Brand name used in standardized consent texts. Default: ${DEFAULT-VALUE} (consentkit.brand "
                    + "from the environment, CONSENTKIT_BRAND, or the configuration file; else Our Business)")
    String brand;

    @Mixin
    ProgramsOption programsOption = new ProgramsOption();

    /** Commands that print {@code --format csv}. */
    private static final java.util.Set<String> CSV_COMMANDS = java.util.Set.of("list", "search", "stats");

    OutputFormat format = OutputFormat.text;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json|csv",
            description = "Output: text, json (one object per line), or csv (list, search and stats: RFC 4180 with a "
                    + "header row, spreadsheet-safe cells). Default: ${DEFAULT-VALUE}")
    void format(OutputFormat f) {
        if (f == OutputFormat.csv && (mixee == null || !CSV_COMMANDS.contains(mixee.name()))) {
            throw new picocli.CommandLine.ParameterException(mixee == null ? null : mixee.commandLine(),
                    "--format csv is only for list, search and stats");
        }
        this.format = f;
    }

    @Option(names = "--erasure-key-file", paramLabel = "<file>",
            description = "Key of erased numbers' keyed hashes (hex or base64); needed over a journal with erasures. "
                    + "Default: consentkit.erasure.key-file")
    Path erasureKeyFile;

    @Option(names = "--config", paramLabel = "<file>",
            description = "Configuration file with consentkit.* keys (.yml, .yaml or .properties; docs/configuration.md). "
                    + "Default: ./consentkit.yml when present. Flags win over environment variables, which win over the file.")
    Path config;

    /** The consent scopes of {@code --programs}: the one program {@code default} without it. */
    Programs programs() {
        return programsOption.programs();
    }

    /** The key of {@code --erasure-key-file}, or null without one. */
    io.consentkit.journal.ErasureKey erasureKey() {
        return erasureKeyFile == null || erasureKeyFile.toString().isEmpty() ? null
                : io.consentkit.journal.ErasureKey.load(erasureKeyFile);
    }

    /** True when {@code --store} is a JDBC URL (never a file path). */
    boolean isJdbc() {
        return JdbcTarget.isJdbc(store);
    }

    /** The store as output and messages show it: the path, or the URL with any password masked. */
    String describe() {
        return isJdbc() ? JdbcTarget.mask(store) : store;
    }

    /**
     * The CSV journal's path.
     *
     * @throws InvalidInputException if {@code --store} is a JDBC URL or not a valid path
     */
    Path csvPath() {
        if (isJdbc()) {
            throw new InvalidInputException("store", "is a JDBC URL; this needs a CSV journal file");
        }
        try {
            return Path.of(store);
        } catch (InvalidPathException e) {
            throw new InvalidInputException("store", "'" + store + "' is not a valid path: " + e.getReason());
        }
    }

    /** Where a send log goes by default: next to the CSV journal, or {@code consent-data/sends.csv} for a JDBC store. */
    Path defaultSendLog() {
        Path beside = isJdbc() ? Path.of(DEFAULT_STORE) : csvPath();
        return beside.toAbsolutePath().resolveSibling("sends.csv");
    }

    ConsentTracker openTracker() {
        return openTracker(null, null);
    }

    /**
     * {@link #openTracker()} with a listener told of every row the tracker writes, and {@code opened} given
     * the store once the tracker is built (a reader that replays it once, e.g. the console's counters).
     * Either may be null.
     */
    ConsentTracker openTracker(ConsentListener listener, Consumer<ConsentStore> opened) {
        return openTracker(listener, opened, false);
    }

    /**
     * {@link #openTracker(ConsentListener, Consumer)}; with {@code indexOnClose} a CSV journal's index
     * snapshot is written when the tracker is closed ({@link CsvConsentStore.Builder#writeIndexOnClose()}).
     */
    ConsentTracker openTracker(ConsentListener listener, Consumer<ConsentStore> opened, boolean indexOnClose) {
        Programs scopes = programs(); // a bad programs file is reported before the store is opened or created
        ConsentStore s;
        if (isJdbc()) {
            s = jdbcStoreForTracker(createSchema);
        } else {
            CsvConsentStore.Builder csv = CsvConsentStore.builder(csvPath());
            s = (indexOnClose ? csv.writeIndexOnClose() : csv).build();
        }
        ConsentTracker.Builder b = ConsentTracker.builder(s).brand(brand).programs(scopes).erasureKey(erasureKey());
        if (listener != null) {
            b.listener(listener);
        }
        ConsentTracker tracker;
        try {
            tracker = b.build();
        } catch (ConsentStoreException e) {
            closeQuietly(s, e);
            throw isJdbc() ? withSchemaHint(e, createSchema) : e; // a JDBC store's tables are first read here
        } catch (RuntimeException e) {
            closeQuietly(s, e);
            throw e;
        }
        if (opened != null) {
            try {
                opened.accept(s);
            } catch (RuntimeException e) {
                closeQuietly(tracker, e);
                throw e;
            }
        }
        return tracker;
    }

    private static void closeQuietly(AutoCloseable c, RuntimeException failure) {
        try {
            c.close();
        } catch (Exception suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /**
     * A tracker over a read-only open of the journal: works while a writer holds it, and changes,
     * creates and locks nothing (a missing journal is an error). A JDBC store is only read (its
     * tables are checked, never created).
     */
    ConsentTracker openReadOnlyTracker() {
        Programs scopes = programs();
        if (isJdbc()) {
            return jdbcTracker(false);
        }
        return ConsentTracker.builder(CsvConsentStore.openReadOnly(csvPath())).brand(brand).programs(scopes)
                .erasureKey(erasureKey()).build();
    }

    /**
     * {@link #openReadOnlyTracker()} for questions about {@code numbers} only ({@code status}, {@code batch
     * status}): over a CSV journal, through its index snapshot where one is valid ({@link JournalIndex}:
     * the numbers' rows and the rows appended since it), else over a full read. Its answers for other
     * numbers mean nothing. Creates, locks and changes nothing.
     */
    ConsentTracker openReadOnlyTrackerFor(java.util.Collection<io.consentkit.phone.PhoneNumber> numbers) {
        Programs scopes = programs();
        if (isJdbc()) {
            return jdbcTracker(false);
        }
        io.consentkit.journal.ErasureKey key = erasureKey(); // a bad key file is reported before the journal is read
        return ConsentTracker.builder(JournalIndex.lookup(csvPath(), numbers)).brand(brand).programs(scopes)
                .erasureKey(key).build();
    }

    private ConsentTracker jdbcTracker(boolean create) {
        try {
            return ConsentTracker.builder(jdbcStoreForTracker(create)).brand(brand).programs(programs())
                    .erasureKey(erasureKey()).build();
        } catch (ConsentStoreException e) {
            throw withSchemaHint(e, create);
        }
    }

    private JdbcConsentStore jdbcStoreForTracker(boolean create) {
        try {
            return jdbcStore(create);
        } catch (ConsentStoreException e) {
            throw withSchemaHint(e, create);
        }
    }

    /** {@code e}, naming {@code --create-schema} when a JDBC store's tables are missing and were not to be created. */
    private static ConsentStoreException withSchemaHint(ConsentStoreException e, boolean create) {
        if (!create && e.getMessage() != null && e.getMessage().contains("does not exist")
                && !e.getMessage().contains("--create-schema")) {
            return new ConsentStoreException(e.getMessage() + "; from the consent command, add --create-schema "
                    + "to a command that writes (record, import, ...)", e);
        }
        return e;
    }

    /** The JDBC store {@code --store} names (for commands that read it directly). */
    JdbcConsentStore jdbcStore(boolean create) {
        return JdbcConsentStore.builder(JdbcTarget.of(store, environment()).dataSource())
                .tablePrefix(tablePrefix).createSchema(create).build();
    }

    private Map<String, String> environment() {
        Object root = mixee == null ? null : mixee.root().userObject();
        return root instanceof ConsentCli cli ? cli.environment() : System.getenv();
    }
}
