package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.store.CsvConsentStore;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Streaming reads of a journal for the operator commands (list, search, stats): one pass over a
 * read-only open ({@link CsvConsentStore#openReadOnly}), which creates, locks and changes nothing and
 * works beside a writer. No index is built, so memory holds only what a command keeps.
 */
final class JournalReads {
    private JournalReads() {
    }

    /** Feeds every row of the journal at {@code store}, in journal order, to {@code sink}. */
    static void replay(Path store, Consumer<ConsentRecord> sink) {
        try (CsvConsentStore s = CsvConsentStore.openReadOnly(store)) {
            s.replay(sink);
        }
    }

    /**
     * {@link #replay}, advancing {@code progress} (when it is shown) by the bytes of each row read,
     * out of the file's size: each row's length as the journal writes it (re-encoded; the file's own
     * quoting may differ by a few bytes, the bar is capped at 100%).
     */
    static void replay(Path store, Consumer<ConsentRecord> sink, Progress progress) {
        try (CsvConsentStore s = CsvConsentStore.openReadOnly(store)) {
            s.replay(meter(sink, progress, store));
        }
    }

    /**
     * {@link #replay(Path, Consumer, Progress)} with {@code sink} run on a second thread in batches, in
     * journal order, while this one reads and decodes the next rows (with one processor, on this
     * thread): for a sink whose own work (counting into maps) is a good part of the pass. A failure of
     * either is thrown here, once the helper has stopped; the sink sees no row after a failure's row.
     */
    static void replayHandedOff(Path store, Consumer<ConsentRecord> sink, Progress progress) {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            replay(store, sink, progress);
            return;
        }
        try (HandOff handOff = new HandOff(sink)) {
            replay(store, handOff, progress);
            handOff.finish();
        }
    }

    /** The batches between the reading thread and the sink's thread of {@link #replayHandedOff}. */
    private static final class HandOff implements Consumer<ConsentRecord>, AutoCloseable {
        private static final int BATCH = 4096;
        private static final java.util.List<ConsentRecord> END = java.util.List.of();

        private final java.util.concurrent.BlockingQueue<java.util.List<ConsentRecord>> queue =
                new java.util.concurrent.ArrayBlockingQueue<>(8);
        private final java.util.concurrent.atomic.AtomicReference<Throwable> failed =
                new java.util.concurrent.atomic.AtomicReference<>();
        private final Thread thread;
        private java.util.List<ConsentRecord> batch = new java.util.ArrayList<>(BATCH);

        HandOff(Consumer<ConsentRecord> sink) {
            thread = new Thread(() -> {
                try {
                    for (java.util.List<ConsentRecord> b; (b = queue.take()) != END; ) {
                        b.forEach(sink);
                    }
                } catch (Throwable t) {
                    failed.set(t);
                    queue.clear(); // unblocks the reader, which then sees the failure
                }
            }, "consent-read-sink");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void accept(ConsentRecord r) {
            batch.add(r);
            if (batch.size() == BATCH) {
                put(batch);
                batch = new java.util.ArrayList<>(BATCH);
            }
        }

        /** Hands over the last rows and waits for the sink to take every row; throws its failure. */
        void finish() {
            put(batch);
            batch = new java.util.ArrayList<>();
            put(END);
            join();
            rethrow();
        }

        /** Stops the sink's thread if it still runs (the read failed: the rows of the last batch are dropped). */
        @Override
        public void close() {
            if (thread.isAlive()) {
                put(END);
                join();
            }
        }

        private void put(java.util.List<ConsentRecord> b) {
            try {
                while (!queue.offer(b, 10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (failed.get() != null) {
                        rethrow(); // the sink failed: stop reading
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                thread.interrupt();
                throw new io.consentkit.journal.ConsentStoreException("interrupted while reading the journal", e);
            }
            if (failed.get() != null) {
                rethrow();
            }
        }

        private void join() {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                thread.interrupt();
                throw new io.consentkit.journal.ConsentStoreException("interrupted while reading the journal", e);
            }
        }

        private void rethrow() {
            Throwable t = failed.get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            if (t != null) {
                throw new io.consentkit.journal.ConsentStoreException("reading the journal failed: " + t, t);
            }
        }
    }

    /** {@code sink}, advancing {@code progress} by each row's encoded bytes when it is shown; else {@code sink}. */
    static Consumer<ConsentRecord> meter(Consumer<ConsentRecord> sink, Progress progress, Path file) {
        if (!progress.shown()) {
            return sink;
        }
        try {
            progress.total(java.nio.file.Files.size(file));
        } catch (java.io.IOException e) {
            return sink; // no size, no percentage: the activity line stays
        }
        int[] map = io.consentkit.journal.JournalCodec.identityMap();
        long chainCells = chained(file) ? io.consentkit.journal.JournalChain.TAIL_BYTES - 1 : 0; // ",digest,link"
        StringBuilder sb = new StringBuilder(512);
        return r -> {
            sb.setLength(0);
            io.consentkit.journal.JournalCodec.appendLine(sb, r, map, false);
            progress.advance(utf8Length(sb) + chainCells);
            sink.accept(r);
        };
    }

    /** Whether {@code file} starts with the schema version 3 header (its rows carry the chain cells). */
    private static boolean chained(Path file) {
        byte[] header = io.consentkit.journal.JournalCodec.HEADER_LINE.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] start = in.readNBytes(header.length + 3); // a BOM at most
            String text = new String(start, java.nio.charset.StandardCharsets.UTF_8).replace("\uFEFF", "");
            return text.startsWith(io.consentkit.journal.JournalCodec.HEADER_LINE);
        } catch (java.io.IOException e) {
            return false; // only the percentage is approximate
        }
    }

    /** The UTF-8 length of {@code s}. */
    static long utf8Length(CharSequence s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * The current state (the last row of each consent id: the journal's fold rule) of every consent
     * whose current state matches {@code filter}, in order of first appearance. Only matching
     * consents are held in memory.
     */
    static Map<String, ConsentRecord> fold(Path store, Predicate<ConsentRecord> filter) {
        Map<String, ConsentRecord> matches = new LinkedHashMap<>();
        replay(store, r -> {
            if (filter.test(r)) {
                matches.put(r.consentId(), r);
            } else {
                matches.remove(r.consentId());
            }
        });
        return matches;
    }

    /** When a consent's current state began: its revocation time if revoked, else its timestamp. */
    static Instant changedAt(ConsentRecord r) {
        return r.revokedAt() != null ? r.revokedAt() : r.timestamp();
    }

    /**
     * Reads {@code --since}-style input: an ISO-8601 instant ({@code 2026-01-15T18:00:00Z}) or a date
     * ({@code 2026-01-15}, the start of that day in UTC).
     *
     * @throws InvalidInputException naming {@code field} for anything else
     */
    static Instant instant(String field, String text) {
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(field, "'" + io.consentkit.support.Masking.printable(text)
                    + "' is not an ISO-8601 instant (2026-01-15T18:00:00Z) or date (2026-01-15)");
        }
    }

    /** Prints {@code rows} (at most {@code limit}, 0 for all) and returns how many were printed. */
    static int print(java.io.PrintWriter out, OutputFormat format, Iterable<ConsentRecord> rows, int limit,
                     io.consentkit.consent.Programs programs) {
        int n = 0;
        boolean csv = format == OutputFormat.csv;
        StringBuilder sb = csv ? new StringBuilder(512) : null;
        if (csv) {
            out.print(io.consentkit.journal.JournalCodec.SCOPES_HEADER_LINE + "\n"); // the record columns (no chain: a listing, not a journal)
        }
        int[] map = io.consentkit.journal.JournalCodec.identityMap();
        for (ConsentRecord r : rows) {
            if (limit > 0 && n == limit) {
                break;
            }
            if (csv) {
                sb.setLength(0);
                out.print(io.consentkit.journal.JournalCodec.appendLine(sb, r, map, true)); // formula-safe, as the audit export
            } else {
                Output.record(out, format, r, programs);
            }
            n++;
        }
        out.flush();
        return n;
    }

    /**
     * The filter of a {@code --program} option: every row when {@code program} is null, else the rows
     * bearing on that program (its consents; suppressions of it, its brand or everything).
     *
     * @throws io.consentkit.consent.UnknownScopeException if {@code programs} has no such program
     */
    static Predicate<ConsentRecord> inProgram(String program, io.consentkit.consent.Programs programs) {
        if (program == null) {
            return r -> true;
        }
        io.consentkit.consent.Program p = programs.program(program.strip());
        return r -> ProgramsOption.covers(r, p, programs);
    }

    /** Checks a {@code --limit}: zero (no limit) or positive. */
    static int limit(int limit) {
        if (limit < 0) {
            throw new InvalidInputException("limit", "must be zero (no limit) or positive, was " + limit);
        }
        return limit;
    }
}
