package io.consentkit.evidence;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.Programs;
import io.consentkit.internal.AtomicFiles;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.send.SendLog;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The evidence pack of one program, one zip file a carrier reviewer, a regulator or a court can
 * open: {@code index.html} (a summary page: no scripts, every value escaped, a content security
 * policy that loads nothing) and the CSV files behind it: every distinct consent text with its first
 * and last use ({@code consent-texts.csv}), each consent with its current state
 * ({@code consents.csv}), the opt-in evidence the journal rows reference: screenshot URLs, page
 * snapshots and the digests of served pages ({@code evidence.csv}, plus the snapshot files
 * themselves under {@code snapshots/} when they lie in {@link Builder#snapshotRoot}), the messages
 * sent per template and body digest with their segments ({@code sends.csv}), the sample texts
 * confirmed against the send log's digests ({@code samples.csv}), the STOP/HELP replies
 * ({@code replies.csv}) and opt-ins and opt-outs by method and month ({@code counts-by-month.csv}).
 * Phone numbers are masked unless {@link Builder#unmasked} is set.
 *
 * <pre>{@code
 * EvidenceSummary s = EvidencePack.builder("marketing").programs(programs).sendLog(log)
 *         .sample("welcome", "Basin Climbing: welcome! Reply STOP to opt out.")
 *         .reply("STOP", optOutReply).build()
 *         .write(store, Path.of("pack.zip"));
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link #write} only reads the store and the send log.
 */
public final class EvidencePack {
    private final String program;
    private final Programs programs;
    private final SendLog sendLog;
    private final Map<String, String> samples;
    private final Map<String, String> replies;
    private final boolean unmasked;
    private final Path snapshotRoot;
    private final Clock clock;

    private EvidencePack(Builder b) {
        this.program = b.program;
        this.programs = b.programs;
        this.sendLog = b.sendLog;
        this.samples = Map.copyOf(b.samples);
        this.replies = Map.copyOf(b.replies);
        this.unmasked = b.unmasked;
        this.snapshotRoot = b.snapshotRoot;
        this.clock = b.clock;
        programs.program(program); // an unknown program is an UnknownScopeException now, not at write
    }

    /** A builder for the pack of {@code program} (a program of {@link Builder#programs}). */
    public static Builder builder(String program) {
        return new Builder(program);
    }

    /**
     * Reads the journal rows of {@code store} and the send log, and writes the pack to {@code zip}
     * atomically (a temporary sibling, forced, then renamed over it).
     *
     * @throws ConsentStoreException if the store cannot be read or the file cannot be written
     */
    public EvidenceSummary write(ConsentStore store, Path zip) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(zip, "zip");
        EvidenceCollector c = new EvidenceCollector(programs, program);
        store.replay(c::row);
        if (sendLog != null) {
            c.sends(sendLog);
        }
        EvidenceWriter w = new EvidenceWriter(c, program, sendLog, new LinkedHashMap<>(samples),
                new LinkedHashMap<>(replies), unmasked, snapshotRoot, clock.instant());
        try {
            AtomicFiles.replace(zip, "evidence", w::write);
        } catch (IOException e) {
            throw new ConsentStoreException("cannot write evidence pack " + zip + ": " + e.getMessage(), e);
        }
        return w.summary(zip);
    }

    /** Builds an {@link EvidencePack}; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final String program;
        private Programs programs = Programs.defaults();
        private SendLog sendLog;
        private final Map<String, String> samples = new LinkedHashMap<>();
        private final Map<String, String> replies = new LinkedHashMap<>();
        private boolean unmasked;
        private Path snapshotRoot;
        private Clock clock = Clock.systemUTC();

        private Builder(String program) {
            this.program = InvalidInputException.requireText("program", program).strip();
        }

        /** The tracker's consent scopes (default {@link Programs#defaults()}). */
        public Builder programs(Programs programs) {
            this.programs = Objects.requireNonNull(programs, "programs");
            return this;
        }

        /** The send log the sends and samples are read from; without it those sections are empty. */
        public Builder sendLog(SendLog log) {
            this.sendLog = log;
            return this;
        }

        /**
         * A sample text (a template as sent): listed with its segments, and with the sends of the log
         * whose body digest matches it ({@link SendLog#bodyDigest}), so the pack shows it was sent.
         */
        public Builder sample(String name, String text) {
            InvalidInputException.requireText("sample text", text);
            samples.put(InvalidInputException.requireText("sample name", name), text);
            return this;
        }

        /** A reply the business sends to a keyword ({@code STOP}, {@code HELP}), with its text. */
        public Builder reply(String keyword, String text) {
            InvalidInputException.requireText("reply text", text);
            replies.put(InvalidInputException.requireText("reply keyword", keyword), text);
            return this;
        }

        /** Whether phone numbers are shown in full (default false: masked). */
        public Builder unmasked(boolean unmasked) {
            this.unmasked = unmasked;
            return this;
        }

        /**
         * Where opt-in page snapshots are stored: a reference that names a file inside this folder
         * (a relative path or a {@code file:} URI) is copied into the pack, with its SHA-256.
         */
        public Builder snapshotRoot(Path root) {
            this.snapshotRoot = root == null ? null : root.toAbsolutePath().normalize();
            return this;
        }

        /** The clock the pack's creation time comes from (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the pack.
         *
         * @throws io.consentkit.consent.UnknownScopeException if the program is not configured
         */
        public EvidencePack build() {
            return new EvidencePack(this);
        }
    }
}
