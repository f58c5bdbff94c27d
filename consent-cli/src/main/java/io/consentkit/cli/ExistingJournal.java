package io.consentkit.cli;

import io.consentkit.journal.ConsentStoreException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The check {@code send} and {@code inbound} make before opening the journal for writing: a journal
 * that does not exist is an error (exit 3, nothing created) unless {@code --create} is given. A
 * mistyped {@code --store} must not become a new empty journal, over which a send would go out with
 * no consent and no opt-out on record.
 */
final class ExistingJournal {
    private ExistingJournal() {
    }

    /**
     * @throws ConsentStoreException if the CSV journal is not an existing file and {@code create} is false
     */
    static void require(StoreOptions opts, String command, boolean create) {
        if (create || opts.isJdbc()) {
            return; // a JDBC store never creates its tables unless --create-schema is given
        }
        Path store = opts.csvPath();
        if (Files.isRegularFile(store)) {
            return;
        }
        throw new ConsentStoreException("consent journal " + store + (Files.exists(store) ? " is not a regular file"
                : " does not exist") + "; 'consent " + command + "' works on an existing journal and created nothing "
                + "(check --store, or add --create to start a new one)");
    }
}
