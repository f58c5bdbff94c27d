package io.consentkit.config;

import io.consentkit.InvalidInputException;

import java.util.Locale;

/** Where the consent journal lives: the value of {@code consentkit.store.type}. */
public enum StoreType {
    /** {@code CsvConsentStore}: one local journal file (the embedded default). */
    CSV,
    /** {@code S3ConsentStore} (module consent-s3). */
    S3,
    /** {@code JdbcConsentStore} (module consent-jdbc) over a {@code DataSource}. */
    JDBC,
    /** {@code InMemoryConsentStore}: nothing survives a restart; for tests and demos. */
    MEMORY;

    /** The lower-case name used in configuration. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The type named {@code value} (case-insensitive).
     *
     * @throws InvalidInputException naming {@code field} if no type has that name
     */
    static StoreType parse(String field, String value) {
        for (StoreType t : values()) {
            if (t.configName().equalsIgnoreCase(value.strip())) {
                return t;
            }
        }
        throw new InvalidInputException(field, "must be csv, s3, jdbc or memory, was '"
                + io.consentkit.support.Masking.printable(value) + "'");
    }
}
