package io.consentkit.retention;

import io.consentkit.InvalidInputException;
import io.consentkit.internal.AtomicFiles;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.ErasureKey;
import io.consentkit.journal.Redaction;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.send.CsvSendLog;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.RewritableStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Erasure that keeps the opt-out, for a CSV journal (and its send log): each erased person's rows
 * stay in place with their personal fields replaced by {@link Redaction#MARKER} and their number by
 * {@link Redaction#NUMBER} (the consent text, method, times, status and scope stay: the business's
 * evidence, not the person's data); a consent still active or pending is revoked first; one erasure
 * row per person (a suppression) keeps the keyed hash of the number ({@link ErasureKey}), what was
 * removed and why, so a tracker with the key never texts the number again. Then the send log's rows
 * to the number and any quarantine file ({@code <journal or send log>.torn-*}) holding a trace of the
 * person are redacted.
 *
 * <p>Every file is rewritten whole and crash-safe (a new file, forced, moved over the old atomically,
 * the folder forced), the journal first: once it is replaced the number is suppressed. A crash
 * before leaves everything as it was; a crash after leaves the send log or a quarantine file to do,
 * which running the same erasure again completes (the number is then found already erased). Bad
 * input (an unknown number, a missing key, an empty reason) is refused before any byte changes.
 * Offline for a CSV journal: its writer must be stopped (its lock is taken without waiting); a shared
 * store ({@link #builder(RewritableStore)}) says in its own documentation whether writers may run. Immutable and
 * thread-safe; erasures of one journal run one at a time under its lock.
 */
public final class Erasure {
    /** The fields an erasure replaces, as its row lists them. */
    public static final String FIELDS = "phone_number,customer_id,customer_name,customer_email,ip_address,"
            + "screenshot_url,metadata values";
    private static final PhoneNumber REDACTED = new PhoneNumber(Redaction.NUMBER);

    private final Path journal;
    private final RewritableStore store;
    private final Path sendLog;
    private final ErasureKey key;
    private final Clock clock;
    private final PhoneNumbers phones;

    private Erasure(Builder b) {
        this.journal = b.journal;
        this.store = b.store;
        this.sendLog = b.sendLog;
        this.key = b.key;
        this.clock = b.clock;
        this.phones = b.phones;
    }

    /** A builder for erasures in the CSV journal at {@code journal}. */
    public static Builder builder(Path journal) {
        return new Builder(journal);
    }

    /**
     * A builder for erasures in a shared store (S3, a database): the same redaction and suppression,
     * applied through {@link RewritableStore#rewrite}; there are no quarantine files to redact, and a
     * {@linkplain Builder#sendLog send log} is redacted when one is set.
     */
    public static Builder builder(RewritableStore store) {
        return new Builder(store);
    }

    /** {@link #erase(Collection, String)} of one number as typed. */
    public ErasureResult erase(String phone, String reason) {
        return erase(List.of(phones.parse(phone, "phone")), reason);
    }

    /**
     * Erases {@code numbers} (one rewrite of each file for all of them), recording {@code reason} (a
     * request reference or the retention policy; it must hold no personal data).
     *
     * @throws InvalidInputException (field {@code phone}) if a number has no rows and was never erased,
     *                               (field {@code reason}) if the reason is empty; nothing was changed
     * @throws io.consentkit.journal.StoreLockedException if a writer holds the journal; nothing was changed
     * @throws ConsentStoreException if a file cannot be rewritten (then that file and the later ones are unchanged)
     */
    public ErasureResult erase(Collection<PhoneNumber> numbers, String reason) {
        String why = InvalidInputException.requireText("reason", reason);
        if (numbers.isEmpty()) {
            throw new InvalidInputException("phone", "no number to erase");
        }
        if (journal != null && !Files.isRegularFile(journal)) {
            throw new ConsentStoreException("cannot erase: consent journal " + journal + " does not exist");
        }
        ErasureRewrite rewrite = new ErasureRewrite(numbers, key, why, clock.instant(), REDACTED, FIELDS);
        if (journal != null) {
            CsvConsentStore.rewrite(journal, rewrite);
        } else {
            store.rewrite(rewrite);
        }
        Set<String> e164s = new LinkedHashSet<>();
        numbers.forEach(n -> e164s.add(n.e164()));
        Set<String> needles = rewrite.needles();
        int sendRows = 0;
        List<Path> quarantine = new ArrayList<>(journal == null ? List.of() : redactQuarantine(journal, needles));
        if (sendLog != null && Files.isRegularFile(sendLog)) {
            CsvSendLog log = CsvSendLog.open(sendLog);
            Set<String> logNeedles = new LinkedHashSet<>(needles);
            e164s.forEach(n -> logNeedles.add(log.recipientKey(n)));
            sendRows = log.redactRecipients(e164s, Redaction.MARKER); // closes the log
            quarantine.addAll(redactQuarantine(sendLog, logNeedles));
        }
        return new ErasureResult(numbers.size(), rewrite.redactedRows(), rewrite.revoked(), sendRows, quarantine,
                rewrite.alreadyErased());
    }

    /** Redacts the lines of {@code file}'s quarantine files that hold any of {@code needles}. */
    private static List<Path> redactQuarantine(Path file, Set<String> needles) {
        Path dir = file.toAbsolutePath().getParent();
        String prefix = file.getFileName() + ".torn-";
        List<Path> changed = new ArrayList<>();
        List<Path> candidates;
        try (Stream<Path> s = Files.list(dir)) {
            candidates = s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new ConsentStoreException("cannot list " + dir + " for quarantine files: " + e.getMessage(), e);
        }
        for (Path q : candidates) {
            try {
                String text = new String(Files.readAllBytes(q), StandardCharsets.UTF_8);
                StringBuilder out = new StringBuilder(text.length());
                boolean hit = false;
                for (String line : text.split("(?<=\n)", -1)) {
                    if (needles.stream().anyMatch(line::contains)) {
                        out.append(Redaction.MARKER).append(line.endsWith("\n") ? "\n" : "");
                        hit = true;
                    } else {
                        out.append(line);
                    }
                }
                if (hit) {
                    byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
                    AtomicFiles.deleteStale(q, "erase");
                    AtomicFiles.replace(q, "erase", o -> o.write(bytes));
                    changed.add(q);
                }
            } catch (IOException e) {
                throw new ConsentStoreException("cannot redact quarantine file " + q + ": " + e.getMessage(), e);
            }
        }
        return changed;
    }

    /** Builds an {@link Erasure}; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final Path journal;
        private final RewritableStore store;
        private Path sendLog;
        private ErasureKey key;
        private Clock clock = Clock.systemUTC();
        private PhoneNumbers phones = PhoneNumbers.defaults();

        private Builder(Path journal) {
            if (journal == null) {
                throw new InvalidInputException("journal", "is null");
            }
            this.journal = journal.toAbsolutePath();
            this.store = null;
        }

        private Builder(RewritableStore store) {
            if (store == null) {
                throw new InvalidInputException("store", "is null");
            }
            this.journal = null;
            this.store = store;
        }

        /** The send log whose rows to an erased number are redacted too (default none). */
        public Builder sendLog(Path sendLog) {
            this.sendLog = sendLog == null ? null : sendLog.toAbsolutePath();
            return this;
        }

        /** The business's key of erased numbers (required). */
        public Builder key(ErasureKey key) {
            this.key = key;
            return this;
        }

        /** The clock of the erasure rows' time (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How typed numbers are read (default {@link PhoneNumbers#defaults()}). */
        public Builder phoneNumbers(PhoneNumbers phones) {
            this.phones = Objects.requireNonNull(phones, "phoneNumbers");
            return this;
        }

        /**
         * Builds the erasure.
         *
         * @throws InvalidInputException (field {@code erasureKey}) without a key
         */
        public Erasure build() {
            if (key == null) {
                throw new InvalidInputException("erasureKey", "is required: without it an erased number could "
                        + "no longer be recognised as opted out (consentkit.erasure.key-file)");
            }
            return new Erasure(this);
        }
    }
}
