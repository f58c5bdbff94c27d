package io.consentkit.consent;

import io.consentkit.consent.internal.Index;
import io.consentkit.consent.internal.NumberState;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.support.Masking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The import: a CSV in the journal schema, version 1 (14 legacy columns: its rows in the default
 * program and brand) or 2 (a legacy file, a journal, a backup or an audit export),
 * validated whole first (schema, {@link io.consentkit.journal.JournalLimits}, strict UTF-8 for files),
 * then the rows that are new and not older than what the journal holds committed as one step while
 * every write lock is held. A row never overrides a newer state of its consent: a consent moves
 * pending, active, then revoked (or declined or expired), never back, and between two rows at the same
 * stage the later event time (revoked_at, else timestamp) wins. Rows already present are skipped, so
 * importing a file twice, or a journal into itself, adds nothing. Thread-safe (the lock does the
 * serialising).
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

    /**
     * Imports a file, decoded as strict UTF-8 (a bad byte fails with its line and column), telling
     * {@code progress} the bytes read of its size.
     */
    ImportResult run(Path file, ProgressListener progress) {
        String source = String.valueOf(file.getFileName());
        try (InputStream in = new CountingInput(Files.newInputStream(file), Files.size(file), progress);
             Reader r = JournalCodec.utf8Reader(in, source)) {
            return run(r, source);
        } catch (IOException e) {
            throw new ConsentStoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    ImportResult run(Reader in, String source) {
        List<ConsentRecord> parsed = parseAll(in, source);
        locks.lockAll(); // one step against concurrent writers
        try {
            ensureOpen.run();
            List<ConsentRecord> fresh = new ArrayList<>();
            Map<String, ConsentRecord> pendingById = new HashMap<>();
            Set<ConsentRecord> seen = new HashSet<>();
            Map<Long, Set<ConsentRecord>> histories = new HashMap<>();
            int skipped = 0;
            int superseded = 0;
            for (ConsentRecord r : parsed) {
                long owner = index.phoneOf(r.consentId());
                ConsentRecord current = pendingById.get(r.consentId());
                if (owner >= 0 && owner != Index.key(r.phoneNumber().e164())
                        || current != null && !current.phoneNumber().equals(r.phoneNumber())) {
                    throw new JournalFormatException(source, 0, "consent_id", "'" + Masking.printable(r.consentId())
                            + "' belongs to two different numbers; nothing was imported");
                }
                if (current == null && owner >= 0) {
                    current = index.get(owner).find(index.codec, r.consentId());
                }
                if (!seen.add(r) || current != null && (current.equals(r) || inHistory(histories, owner, r))) {
                    skipped++;
                } else if (current != null && !overrides(r, current)) {
                    superseded++;
                } else {
                    fresh.add(r);
                    pendingById.put(r.consentId(), r);
                }
            }
            if (!fresh.isEmpty()) {
                commit.accept(fresh);
            }
            LOG.info("import from {}: {} rows read, {} imported, {} already present, {} older than the journal's state",
                    Masking.printable(source), parsed.size(), fresh.size(), skipped, superseded);
            return new ImportResult(parsed.size(), fresh.size(), skipped, superseded);
        } finally {
            locks.unlockAll();
        }
    }

    /** True if {@code r} is one of the rows the journal already holds for its number. */
    private boolean inHistory(Map<Long, Set<ConsentRecord>> histories, long owner, ConsentRecord r) {
        if (owner < 0) {
            return false;
        }
        return histories.computeIfAbsent(owner, k -> {
            NumberState st = index.get(k);
            return st == null ? Set.of() : new HashSet<>(st.history(index.codec));
        }).contains(r);
    }

    /** True if {@code r} may follow {@code current}: a later stage, or the same stage at the same time or later. */
    static boolean overrides(ConsentRecord r, ConsentRecord current) {
        int stage = Integer.compare(stage(r.status()), stage(current.status()));
        if (stage != 0) {
            return stage > 0;
        }
        return !eventTime(r).isBefore(eventTime(current));
    }

    private static int stage(ConsentStatus s) {
        return switch (s) {
            case PENDING -> 0;
            case ACTIVE -> 1;
            case REVOKED, DECLINED, EXPIRED -> 2;
        };
    }

    private static Instant eventTime(ConsentRecord r) {
        return r.revokedAt() != null ? r.revokedAt() : r.timestamp();
    }

    private List<ConsentRecord> parseAll(Reader in, String source) {
        try {
            return JournalCodec.readAll(in, source, phones, true);
        } catch (IOException e) {
            throw new ConsentStoreException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    /** Counts the bytes read through it and tells a listener every 64 KiB and at the end. */
    private static final class CountingInput extends java.io.FilterInputStream {
        private static final long STEP = 1 << 16;
        private final long size;
        private final ProgressListener progress;
        private long read;
        private long told;

        CountingInput(InputStream in, long size, ProgressListener progress) {
            super(in);
            this.size = size;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count(n);
            return n;
        }

        private void count(int n) {
            if (n < 0) {
                if (told < size) {
                    told = size;
                    progress.progress(size, size);
                }
                return;
            }
            read += n;
            if (read - told >= STEP) {
                told = Math.min(read, size);
                progress.progress(told, size);
            }
        }
    }
}
