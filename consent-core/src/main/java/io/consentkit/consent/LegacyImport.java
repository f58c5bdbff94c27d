package io.consentkit.consent;

import io.consentkit.consent.internal.Index;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.phone.PhoneNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The legacy import: a CSV in the journal schema (written by the existing tool, each consent id at
 * most once), validated whole first, then the rows not already present committed as one step while
 * every write lock is held. Thread-safe (the lock does the serialising).
 */
final class LegacyImport {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyImport.class);

    private final Index index;
    private final NumberLocks locks;
    private final PhoneNumbers phones;
    private final Runnable ensureOpen;
    private final Consumer<List<ConsentRecord>> commit;

    /**
     * @param ensureOpen throws if the tracker is closed
     * @param commit     writes rows durably and indexes them (called with every lock held)
     */
    LegacyImport(Index index, NumberLocks locks, PhoneNumbers phones, Runnable ensureOpen,
                 Consumer<List<ConsentRecord>> commit) {
        this.index = index;
        this.locks = locks;
        this.phones = phones;
        this.ensureOpen = ensureOpen;
        this.commit = commit;
    }

    ImportResult run(Reader in, String source) {
        List<ConsentRecord> parsed = parseAll(in, source);
        locks.lockAll(); // one step against concurrent writers
        try {
            ensureOpen.run();
            List<ConsentRecord> fresh = new ArrayList<>();
            Map<String, ConsentRecord> pendingById = new HashMap<>();
            int skipped = 0;
            for (ConsentRecord r : parsed) {
                long owner = index.phoneOf(r.consentId());
                ConsentRecord existing = pendingById.get(r.consentId());
                if (owner >= 0 && owner != Index.key(r.phoneNumber().e164())
                        || existing != null && !existing.phoneNumber().equals(r.phoneNumber())) {
                    throw new JournalFormatException(source, 0, "consent_id",
                            "'" + r.consentId() + "' belongs to two different numbers; nothing was imported");
                }
                if (existing == null && owner >= 0) {
                    existing = index.get(owner).find(index.codec, r.consentId());
                }
                if (existing != null && existing.equals(r)) {
                    skipped++;
                    continue;
                }
                fresh.add(r);
                pendingById.put(r.consentId(), r);
            }
            if (!fresh.isEmpty()) {
                commit.accept(fresh);
            }
            LOG.info("legacy import from {}: {} rows read, {} imported, {} already present", source, parsed.size(),
                    fresh.size(), skipped);
            return new ImportResult(parsed.size(), fresh.size(), skipped);
        } finally {
            locks.unlockAll();
        }
    }

    private List<ConsentRecord> parseAll(Reader in, String source) {
        try {
            return JournalCodec.readAll(in, source, phones);
        } catch (IOException e) {
            throw new ConsentStoreException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }
}
