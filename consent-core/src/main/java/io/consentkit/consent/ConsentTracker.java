package io.consentkit.consent;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.journal.ConsentStore;

import java.io.Reader;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Proof of SMS consent: records every opt-in with when, how and the exact text agreed to,
 * records every opt-out, keeps all history, and answers "may I text this number?" from an
 * in-memory index.
 *
 * <p>Every write goes to the {@link ConsentStore} first and changes the index only after the
 * store has made it durable; if the store fails, the call throws and nothing changes. Phone
 * numbers may be given in any form {@link PhoneNumbers} accepts; invalid ones throw
 * {@link io.consentkit.phone.InvalidPhoneNumberException} and change nothing.
 *
 * <p><b>Scopes.</b> A consent belongs to a {@link Program} of a brand ({@link Programs}); the calls
 * that take a {@code program} name answer or act for that program, and the ones that do not act for
 * the {@linkplain Programs#defaultProgram() default program} (recording, lookups), except the
 * unscoped {@code revoke} calls, which revoke everything (the conservative reading of an opt-out
 * whose scope is not known). A tracker built without programs has the one program {@code default},
 * so for it every call means what it always did. Unknown program names throw
 * {@link UnknownScopeException} and change nothing.
 *
 * <p>Implementations are thread-safe. Build the default one with {@link #builder(ConsentStore)}.
 *
 * <pre>{@code
 * try (ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(path))
 *         .texts(ConsentTexts.of("Basin Climbing")).build()) {
 *     tracker.recordWebFormConsent("512-555-1234", "cust-1", "Ann", "ann@example.com", "203.0.113.9",
 *             "https://example.com/sms-signup");
 *     boolean ok = tracker.isActive("+15125551234");
 * }
 * }</pre>
 */
public interface ConsentTracker extends AutoCloseable {

    /**
     * Revocation method recorded for an inbound STOP-type keyword. Alias of
     * {@link RevocationMethod#STOP_KEYWORD}, kept for existing code; the revocation methods live in
     * {@link RevocationMethod}.
     */
    String REVOKED_BY_KEYWORD = RevocationMethod.STOP_KEYWORD;

    /**
     * Records a web-form opt-in with the standardized web-form text.
     *
     * @param phone         the number as typed
     * @param customerId    optional (null or empty)
     * @param customerName  optional
     * @param customerEmail optional
     * @param ipAddress     optional: the submitting client's address
     * @param formUrl       optional: the page holding the form (kept in metadata as {@code form_url})
     */
    ConsentRecord recordWebFormConsent(String phone, String customerId, String customerName, String customerEmail,
                                       String ipAddress, String formUrl);

    /**
     * Records an opt-in by SMS keyword with the standardized keyword text, keeping the inbound
     * message SID and body as evidence (metadata {@code message_sid}, {@code inbound_body}).
     */
    ConsentRecord recordKeywordConsent(String phone, String keyword, String customerId, String messageSid,
                                       String inboundBody);

    /**
     * Records an in-person opt-in with the standardized in-person text, keeping who collected it
     * and where (metadata {@code staff_member}, {@code location}).
     */
    ConsentRecord recordInPersonConsent(String phone, String customerId, String customerName, String staffMember,
                                        String location);

    /**
     * Records an opt-in of any method with its own consent text and evidence, in the request's
     * {@linkplain ConsentRequest#program() program} (the default program when it names none). The row
     * carries the program and its brand, written empty for the default program and the default brand.
     *
     * @throws UnknownScopeException if the request names a program the tracker does not have
     */
    ConsentRecord recordConsent(ConsentRequest request);

    /** {@link #recordConsent(ConsentRequest)} with the arrival channel in the row's {@code channel} column (v2 journal). */
    ConsentRecord recordConsent(ConsentRequest request, ConsentChannel channel);

    /**
     * Revokes every active consent of the number, in every program (each gets a {@code revoked} row). If the
     * number has none, records a suppression row of everything so the number is still never texted.
     *
     * @param method how it was revoked, e.g. {@link RevocationMethod#STOP_KEYWORD},
     *               {@link RevocationMethod#CUSTOMER_REQUEST}
     * @param notes  optional free text (kept in metadata as {@code revoke_notes})
     * @return the rows appended (at least one)
     */
    default List<ConsentRecord> revoke(String phone, String method, String notes) {
        return revoke(phone, method, notes, Map.of());
    }

    /**
     * Like {@link #revoke(String, String, String)} with extra evidence (e.g. inbound message
     * SID and body), kept in metadata with the prefix {@code revoke_}.
     */
    List<ConsentRecord> revoke(String phone, String method, String notes, Map<String, String> evidence);

    /** {@link #revoke(String, String, String)} for a number already parsed. */
    default List<ConsentRecord> revoke(PhoneNumber phone, String method, String notes) {
        return revoke(phone, method, notes, Map.of());
    }

    /** {@link #revoke(String, String, String, Map)} for a number already parsed. */
    List<ConsentRecord> revoke(PhoneNumber phone, String method, String notes, Map<String, String> evidence);

    /**
     * A scoped revocation: revokes the number's active and pending consents in the request's scope
     * (each gets a {@code revoked} row in its own program, with the request's channel). If none was,
     * writes a suppression row per brand or program in scope (one of everything for
     * {@link RevocationScope#all()}), so the scope is blocked until the person opts in to a program of
     * it again; a later opt-in lifts the suppression for that program only.
     *
     * @return the rows appended (at least one)
     * @throws UnknownScopeException if the scope names a program or brand the tracker does not have
     */
    List<ConsentRecord> revoke(RevocationRequest request);

    /**
     * The revocation an inbound STOP-type reply from {@code phone} to sender {@code to} leads to, under
     * the tracker's {@link Programs#resolve revocation policy} at the tracker clock's now: STOPALL
     * ({@code stopAll}) revokes everything; otherwise the brand of the sender's programs under
     * {@link RevocationPolicy#ALL} or from the revoke-all date, the sender's programs only under
     * {@link RevocationPolicy#SENDER} before it. Channel {@link ConsentChannel#SMS}.
     *
     * @param to       the sender the reply reached (an inbound message's {@code To})
     * @param stopAll  true for STOPALL / "stop all"
     * @param method   e.g. {@link RevocationMethod#STOP_KEYWORD}
     * @param notes    optional free text
     * @param evidence e.g. the inbound message SID, body and the sender reached; kept with the prefix {@code revoke_}
     * @return the rows appended (at least one)
     */
    default List<ConsentRecord> revokeFromSender(PhoneNumber phone, String to, boolean stopAll, String method,
                                                 String notes, Map<String, String> evidence) {
        RevocationScope scope = programs().resolve(to, stopAll, clock().instant());
        return revoke(new RevocationRequest(phone, scope, ConsentChannel.SMS, method, notes, evidence));
    }

    /**
     * The one "the provider says this number opted out" step (Twilio 21610 or 30004 on a send or in a
     * status callback): revokes with method {@link RevocationMethod#PROVIDER_OPT_OUT}, the notes
     * "the provider reported that the recipient opted out" and the evidence {@code revoke_provider_code},
     * {@code revoke_gateway} and, when known, {@code revoke_message_sid}. Used by the guarded sender and
     * by provider adapters' status callbacks alike.
     *
     * @param gateway    the gateway that reported it (e.g. {@code twilio})
     * @param code       the provider's error code
     * @param messageSid the provider's id of the message that failed; empty or null if unknown
     * @return the rows appended (at least one)
     */
    default List<ConsentRecord> revokeByProvider(PhoneNumber phone, String gateway, int code, String messageSid) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("provider_code", Integer.toString(code));
        evidence.put("gateway", gateway == null ? "" : gateway);
        if (messageSid != null && !messageSid.isBlank()) {
            evidence.put("message_sid", messageSid.strip());
        }
        return revoke(phone, RevocationMethod.PROVIDER_OPT_OUT, "the provider reported that the recipient opted out",
                evidence);
    }

    /**
     * Appends a journal row as it is, after validating it, and updates the index. This is the
     * low-level door used by flows such as Y/N confirmations (pending, then active, declined
     * or expired rows); most code wants the {@code record...} methods.
     */
    ConsentRecord append(ConsentRecord row);

    /**
     * Runs {@code step} while holding the number's write lock, the one every write of this tracker to
     * the number takes: no other write to it interleaves, so a flow can read the number's rows and
     * append the rows they lead to as one step (Y/N confirmations and inbound handling do). The lock
     * is reentrant, so {@code step} may call this tracker's writes. A step must not take another
     * number's lock (that could deadlock); rows of other writers of a shared store are picked up just
     * before the lock is taken, not inside the step. Keep steps short: they hold up writes to numbers
     * of the same lock stripe.
     *
     * @return what {@code step} returned
     */
    <T> T withNumberLock(PhoneNumber phone, Supplier<T> step);

    /**
     * Runs {@code send} (the final consent check of one message to {@code phone} and its gateway call)
     * as a send in flight, fenced against opt-outs: an opt-out of the number recorded through this
     * tracker ({@link #revoke}, {@link #revokeByProvider}, a revoked row {@linkplain #append appended}
     * or imported, an inbound STOP) returns only after every send to the number that entered the fence
     * before the opt-out was recorded has returned; a send that enters later sees the opt-out in its
     * check. So once an opt-out returns, no gateway call for the number starts. The check must be made
     * inside {@code send}, and a send that sees an opt-out must not call the gateway. An opt-out
     * recorded inside {@code send} (a gateway that reports one) waits when {@code send} has left the
     * fence, before this method returns, and one recorded inside {@link #withNumberLock} when the
     * outermost lock is released, so the fence never deadlocks with sends or number locks. Opt-outs written by other processes sharing the store
     * cannot be fenced. {@link io.consentkit.send.GuardedSender} runs every gateway call through this.
     *
     * <p>The default runs {@code send} unfenced; the default tracker overrides it. A custom tracker
     * that records opt-outs must override it to keep the guarantee.
     *
     * @return what {@code send} returned
     */
    default <T> T withSendFence(PhoneNumber phone, Supplier<T> send) {
        return send.get();
    }

    /**
     * A new consent id (16 hex digits), unused in this tracker's journal, for rows written with
     * {@link #append(ConsentRecord)}. The tracker's own writes mint theirs the same way.
     */
    String newConsentId(PhoneNumber phone, Instant at);

    /**
     * The number's most relevant consent in the default program: its latest active consent if the
     * number may be texted, else its most recent record of any status (revoked, pending...); empty if
     * the number has never been seen there. {@code status(phone, programs().defaultProgram().name())}.
     */
    Optional<ConsentRecord> status(String phone);

    /** {@link #status(String)} for a number already parsed (no parsing, one index probe). */
    Optional<ConsentRecord> status(PhoneNumber phone);

    /**
     * The status of {@link #status(PhoneNumber)}'s record ({@code status(phone).map(ConsentRecord::status)}),
     * for callers that need only the number's current state: the default tracker reads it from the
     * row's header without decoding the record (no texts, metadata or instants built), about as fast
     * as {@link #isActive(PhoneNumber)} for a number whose rows have no program.
     */
    default Optional<ConsentStatus> currentStatus(PhoneNumber phone) {
        return status(phone).map(ConsentRecord::status);
    }

    /** {@link #currentStatus(PhoneNumber)} for a number as typed. */
    default Optional<ConsentStatus> currentStatus(String phone) {
        return status(phone).map(ConsentRecord::status);
    }

    /**
     * True if the number has an active consent to the default program given after its last opt-out
     * covering that program. {@code isActive(phone, programs().defaultProgram().name())}.
     */
    boolean isActive(String phone);

    /** {@link #isActive(String)} for a number already parsed (no parsing, one index probe). */
    boolean isActive(PhoneNumber phone);

    /**
     * True if the number's last word for the default program was an opt-out: it must not be texted in
     * it at all. {@code isOptedOut(phone, programs().defaultProgram().name())}.
     */
    boolean isOptedOut(String phone);

    /** {@link #isOptedOut(String)} for a number already parsed (no parsing, one index probe). */
    boolean isOptedOut(PhoneNumber phone);

    /** The tracker's consent scopes: programs, brands, senders and revocation policy. */
    Programs programs();

    /**
     * True if the number has an active consent to {@code program} given at or after the latest
     * revocation covering it (a revoked consent of that program, or a suppression of that program, of
     * its brand, or of everything). A lookup of precomputed flags: one or two primitive hash probes for
     * a canonical E.164 string, no allocation.
     *
     * @throws UnknownScopeException if the tracker has no such program
     */
    boolean isActive(String phone, String program);

    /** {@link #isActive(String, String)} for a number already parsed. */
    boolean isActive(PhoneNumber phone, String program);

    /** True if the number's last word for {@code program} was an opt-out: it must not be texted in it at all. */
    boolean isOptedOut(String phone, String program);

    /** {@link #isOptedOut(String, String)} for a number already parsed. */
    boolean isOptedOut(PhoneNumber phone, String program);

    /**
     * The number's most relevant record for {@code program}: its latest consent to it that counts as
     * active, else the most recent of the rows covering it (a revoked consent, a suppression...).
     */
    Optional<ConsentRecord> status(PhoneNumber phone, String program);

    /** {@link #status(PhoneNumber, String)} for a number as typed. */
    Optional<ConsentRecord> status(String phone, String program);

    /** Every journal row for the number, oldest first (a grant and its revocation are two rows). */
    List<ConsentRecord> history(String phone);

    /** {@link #history(String)} for a number already parsed (no parsing, one index probe). */
    List<ConsentRecord> history(PhoneNumber phone);

    /**
     * The number's newest {@code newest} journal rows, oldest of them first: the tail of
     * {@link #history(PhoneNumber)}, decoding only those rows, so its cost does not grow with a long
     * history (a number that flipped STOP/START thousands of times).
     *
     * @throws InvalidInputException if {@code newest} is negative
     */
    default List<ConsentRecord> history(PhoneNumber phone, int newest) {
        if (newest < 0) {
            throw new InvalidInputException("newest", "must be zero or positive, got " + newest);
        }
        List<ConsentRecord> all = history(phone);
        return all.subList(Math.max(0, all.size() - newest), all.size());
    }

    /** The current (folded) state of every consent of the number, by grant time. */
    List<ConsentRecord> consents(String phone);

    /** {@link #consents(String)} for a number already parsed (no parsing, one index probe). */
    List<ConsentRecord> consents(PhoneNumber phone);

    /**
     * The number's consents that are active or pending now (their current, folded state), in order of
     * first appearance: {@link #consents(PhoneNumber)} without the ended ones, in time that does not
     * grow with a long history of ended consents.
     */
    default List<ConsentRecord> liveConsents(PhoneNumber phone) {
        return consents(phone).stream()
                .filter(r -> r.status() == ConsentStatus.ACTIVE || r.status() == ConsentStatus.PENDING)
                .toList();
    }

    /**
     * One record per number that may be texted in the default program now: its
     * {@linkplain #status(PhoneNumber) status}, by time. Its size counts people, not consents (a person
     * who opted in twice is one). {@code activeConsents(programs().defaultProgram().name())}.
     */
    List<ConsentRecord> activeConsents();

    /** One record per number with an active consent to {@code program} now: its status in it, by time. */
    List<ConsentRecord> activeConsents(String program);

    /**
     * The numbers with an active consent to {@code program} now, in ascending order of their digits;
     * read from the precomputed flags, no rows decoded.
     *
     * @throws UnknownScopeException if the tracker has no such program
     */
    List<PhoneNumber> activeNumbers(String program);

    /**
     * Every consent whose current (folded) state is {@link ConsentStatus#PENDING}, across all
     * numbers, by time: e.g. Y/N confirmations asked and not yet answered. Lets a flow find its
     * open requests again after a restart.
     */
    List<ConsentRecord> pendingConsents();

    /** Looks one consent up by id (current state). */
    Optional<ConsentRecord> findById(String consentId);

    /**
     * Writes the audit trail: every consent, active and revoked (the folded journal), in the
     * journal schema, with cells that a spreadsheet would run as a formula neutralised.
     *
     * @return the number of consents written
     */
    int exportAudit(Writer out);

    /** Writes the audit trail to a file, replacing it atomically. */
    default int exportAudit(Path file) {
        return exportAudit(file, ProgressListener.NONE);
    }

    /** {@link #exportAudit(Path)}, telling {@code progress} the consents written of the total. */
    int exportAudit(Path file, ProgressListener progress);

    /**
     * Writes the lossless backup: every row of the journal (all history, not the fold), in the journal
     * schema, with nothing neutralised. Importing it into an empty store restores every row; importing
     * it into the store it came from (or any store that already holds its rows) adds nothing.
     *
     * @return the number of rows written
     */
    int exportJournal(Writer out);

    /** Writes the lossless backup to a file, replacing it atomically; see {@link #exportJournal(Writer)}. */
    default int exportJournal(Path file) {
        return exportJournal(file, ProgressListener.NONE);
    }

    /** {@link #exportJournal(Path)}, telling {@code progress} the rows written of the total. */
    int exportJournal(Path file, ProgressListener progress);

    /**
     * Imports a CSV in the journal schema: a file written by the existing tool (rows may have been
     * rewritten in place), a journal, a {@link #exportJournal journal export} or an
     * {@link #exportAudit audit export} (the apostrophes its formula neutralisation added are taken
     * off again). Every row is validated first, and held to {@link io.consentkit.journal.JournalLimits};
     * one bad row rejects the whole import with its line number and field and changes nothing. A row
     * never overrides a newer state of its consent (an old export re-imported after a STOP leaves the
     * consent revoked); rows already present are skipped, so importing a file again, or a journal
     * into itself, adds nothing. See {@link ImportResult}.
     */
    ImportResult importLegacy(Reader in);

    /**
     * Imports a file; see {@link #importLegacy(Reader)}. The file is decoded as strict UTF-8: a byte
     * that is not UTF-8 fails with {@link io.consentkit.journal.JournalFormatException} naming its line
     * and column.
     */
    default ImportResult importLegacy(Path file) {
        return importLegacy(file, ProgressListener.NONE);
    }

    /** {@link #importLegacy(Path)}, telling {@code progress} the bytes of the file read (and validated) of its size. */
    ImportResult importLegacy(Path file, ProgressListener progress);

    /**
     * Picks up rows other writers have appended (for stores shared between processes or
     * machines); a no-op for stores that have no other writers.
     */
    void refresh();

    /** The standardized consent texts (brand and wording) this tracker records. */
    ConsentTexts texts();

    /** The normaliser this tracker uses for phone numbers. */
    PhoneNumbers phoneNumbers();

    /** The clock timestamps come from. */
    Clock clock();

    /** Closes the store. */
    @Override
    void close();

    /** A builder for the default tracker over {@code store}. */
    static Builder builder(ConsentStore store) {
        return new Builder(store);
    }

    /**
     * Configures the default tracker. Setters validate at once, naming the setting; {@link #build()}
     * hands the implementation an immutable copy. Not thread-safe.
     */
    final class Builder {
        private final ConsentStore store;
        private ConsentTexts texts = ConsentTexts.of("our business");
        private Clock clock = Clock.systemUTC();
        private PhoneNumbers phoneNumbers = PhoneNumbers.defaults();
        private Duration refreshInterval = Duration.ZERO;
        private Programs programs = Programs.defaults();
        private io.consentkit.journal.ErasureKey erasureKey;
        private ConsentListener listener = ConsentListener.NO_OP;

        private Builder(ConsentStore store) {
            this.store = java.util.Objects.requireNonNull(store, "store");
        }

        /** The standardized consent texts (brand and wording). Default brand: "our business". */
        public Builder texts(ConsentTexts texts) {
            this.texts = java.util.Objects.requireNonNull(texts, "texts");
            return this;
        }

        /** Shorthand for {@code texts(ConsentTexts.of(brand))}. */
        public Builder brand(String brand) {
            return texts(ConsentTexts.of(brand));
        }

        /** Where timestamps come from. Default: {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = java.util.Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How phone numbers are normalised. Default: region US. */
        public Builder phoneNumbers(PhoneNumbers phoneNumbers) {
            this.phoneNumbers = java.util.Objects.requireNonNull(phoneNumbers, "phoneNumbers");
            return this;
        }

        /** Shorthand for {@code phoneNumbers(PhoneNumbers.forRegion(region))}. */
        public Builder defaultRegion(String region) {
            return phoneNumbers(PhoneNumbers.forRegion(region));
        }

        /**
         * For stores with other writers: refresh from the store before a lookup when the last
         * refresh is older than this (the visibility bound). Default zero: the store's own
         * {@link io.consentkit.journal.StoreCapabilities#visibilityBound() bound} is used.
         */
        public Builder refreshInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new io.consentkit.InvalidInputException("refreshInterval", "must be zero or positive");
            }
            this.refreshInterval = interval;
            return this;
        }

        /**
         * The consent scopes: programs, brands, senders, the default program and the revocation policy.
         * Default: {@link Programs#defaults()} (one program {@code default} of brand {@code default}).
         */
        public Builder programs(Programs programs) {
            this.programs = java.util.Objects.requireNonNull(programs, "programs");
            return this;
        }

        /**
         * Told of every opt-in and opt-out this tracker writes and of each append's latency, e.g. for
         * metrics. Default {@link ConsentListener#NO_OP}.
         */
        public Builder listener(ConsentListener listener) {
            this.listener = java.util.Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The key of erased numbers ({@link io.consentkit.journal.ErasureKey}); needed over a journal with erasures. */
        public Builder erasureKey(io.consentkit.journal.ErasureKey key) {
            this.erasureKey = key;
            return this;
        }

        /**
         * Opens the tracker over the settings as they are now (later changes to this builder do not
         * reach it): replays the store's journal into the index. With programs over a store that cannot hold
         * their rows it throws {@link io.consentkit.journal.SchemaUpgradeRequiredException} (run upgrade-journal).
         */
        public ConsentTracker build() {
            Duration bound = refreshInterval.isZero() ? store.capabilities().visibilityBound() : refreshInterval;
            return new DefaultConsentTracker(new TrackerSettings(store, texts, clock, phoneNumbers, bound, programs,
                    listener, erasureKey));
        }
    }
}
