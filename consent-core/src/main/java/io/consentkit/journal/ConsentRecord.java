package io.consentkit.journal;

import io.consentkit.phone.PhoneNumber;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row of the consent journal: the 14 columns existing tools use,
 * {@code consent_id,timestamp,phone_number,opt_in_method,consent_message,customer_id,
 * customer_name,customer_email,ip_address,screenshot_url,metadata,status,revoked_at,revoked_method},
 * followed in schema version 2 by {@code program,brand,channel} (empty in a legacy row).
 *
 * <p>A grant is a row with status {@code active}; a revocation repeats the {@code consent_id}
 * with status {@code revoked}. Folding the journal (last row per id wins) gives each consent's
 * current state. Text fields are never null (empty when absent); {@code revokedAt} is null
 * unless the row is a revocation. Immutable and thread-safe.
 *
 * @param consentId      hex id, unique per consent
 * @param timestamp      when consent was given (or the suppression recorded), UTC
 * @param phoneNumber    the number, E.164
 * @param optInMethod    e.g. {@code web_form}; empty for a suppression
 * @param consentMessage the exact text the person agreed to (or the confirmation question asked)
 * @param customerId     the app's id for the person
 * @param customerName   the person's name
 * @param customerEmail  the person's email
 * @param ipAddress      the IP address of a web-form submission
 * @param screenshotUrl  where a screenshot of the opt-in is kept
 * @param metadata       free-form evidence (form URL, message SID, staff member...), insertion-ordered
 * @param status         the row's status
 * @param revokedAt      when consent was revoked, or null
 * @param revokedMethod  how it was revoked (e.g. {@code stop_keyword}); empty unless revoked
 * @param program        the program (campaign, subscription) the row belongs to; empty means the
 *                       tracker's default program for a consent and, for a suppression, every
 *                       program of {@code brand} (every program of every brand when both are empty)
 * @param brand          the brand (business) of the program; empty means the tracker's default brand
 * @param channel        the channel the row arrived by ({@code sms}, {@code web}, {@code email},
 *                       {@code voice}, {@code agent}, {@code api}); empty if not recorded
 */
public record ConsentRecord(
        String consentId,
        Instant timestamp,
        PhoneNumber phoneNumber,
        String optInMethod,
        String consentMessage,
        String customerId,
        String customerName,
        String customerEmail,
        String ipAddress,
        String screenshotUrl,
        Map<String, String> metadata,
        ConsentStatus status,
        Instant revokedAt,
        String revokedMethod,
        String program,
        String brand,
        String channel) {

    /**
     * The 14 legacy journal columns, in order: what a legacy file holds and what a tool that knows
     * only the legacy schema reads.
     */
    public static final java.util.List<String> LEGACY_COLUMNS = java.util.List.of(
            "consent_id", "timestamp", "phone_number", "opt_in_method", "consent_message", "customer_id",
            "customer_name", "customer_email", "ip_address", "screenshot_url", "metadata", "status",
            "revoked_at", "revoked_method");

    /**
     * The journal's columns in schema version 2, in order: the 14 {@link #LEGACY_COLUMNS} first and
     * unchanged, then {@code program}, {@code brand} and {@code channel}. What new journals, exports and
     * store objects are written with; the header line is the version marker (see {@code JournalCodec}).
     */
    public static final java.util.List<String> COLUMNS = java.util.List.of(
            "consent_id", "timestamp", "phone_number", "opt_in_method", "consent_message", "customer_id",
            "customer_name", "customer_email", "ip_address", "screenshot_url", "metadata", "status",
            "revoked_at", "revoked_method", "program", "brand", "channel");

    public ConsentRecord {
        Objects.requireNonNull(consentId, "consentId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(phoneNumber, "phoneNumber");
        Objects.requireNonNull(status, "status");
        optInMethod = io.consentkit.internal.Interner.intern(nz(optInMethod));
        consentMessage = nz(consentMessage);
        customerId = nz(customerId);
        customerName = nz(customerName);
        customerEmail = nz(customerEmail);
        ipAddress = nz(ipAddress);
        screenshotUrl = nz(screenshotUrl);
        revokedMethod = io.consentkit.internal.Interner.intern(nz(revokedMethod));
        program = io.consentkit.internal.Interner.intern(nz(program));
        brand = io.consentkit.internal.Interner.intern(nz(brand));
        channel = io.consentkit.internal.Interner.intern(nz(channel));
        metadata = io.consentkit.internal.CompactMap.copyOf(metadata);
        if (consentId.isEmpty()) {
            throw new IllegalArgumentException("consentId is empty");
        }
    }

    /** A row in the default program and brand, with no channel: the 14 legacy columns. */
    public ConsentRecord(String consentId, Instant timestamp, PhoneNumber phoneNumber, String optInMethod,
                         String consentMessage, String customerId, String customerName, String customerEmail,
                         String ipAddress, String screenshotUrl, Map<String, String> metadata, ConsentStatus status,
                         Instant revokedAt, String revokedMethod) {
        this(consentId, timestamp, phoneNumber, optInMethod, consentMessage, customerId, customerName, customerEmail,
                ipAddress, screenshotUrl, metadata, status, revokedAt, revokedMethod, "", "", "");
    }

    /** True if the row has only legacy content: default program and brand, no channel. */
    public boolean isLegacyShaped() {
        return program.isEmpty() && brand.isEmpty() && channel.isEmpty();
    }

    /** A copy in another program, brand and channel. */
    public ConsentRecord withScope(String newProgram, String newBrand, String newChannel) {
        return new ConsentRecord(consentId, timestamp, phoneNumber, optInMethod, consentMessage, customerId,
                customerName, customerEmail, ipAddress, screenshotUrl, metadata, status, revokedAt, revokedMethod,
                newProgram, newBrand, newChannel);
    }

    private static String nz(String s) {
        return s == null || s.isEmpty() ? "" : s;
    }

    /** True if this row is a suppression: an opt-out of a number with no consent of its own. */
    public boolean isSuppression() {
        return optInMethod.isEmpty() && status == ConsentStatus.REVOKED;
    }

    /** A copy with another status, revocation time and method, and extra metadata. */
    public ConsentRecord withStatus(ConsentStatus newStatus, Instant newRevokedAt, String newRevokedMethod,
                                    Map<String, String> extraMetadata) {
        Map<String, String> md = metadata;
        if (extraMetadata != null && !extraMetadata.isEmpty()) {
            LinkedHashMap<String, String> m = new LinkedHashMap<>(metadata);
            m.putAll(extraMetadata);
            md = m;
        }
        return new ConsentRecord(consentId, timestamp, phoneNumber, optInMethod, consentMessage, customerId,
                customerName, customerEmail, ipAddress, screenshotUrl, md, newStatus, newRevokedAt, newRevokedMethod,
                program, brand, channel);
    }

    /** A copy with another consent message (used to share one instance of repeated texts). */
    public ConsentRecord withConsentMessage(String message) {
        return new ConsentRecord(consentId, timestamp, phoneNumber, optInMethod, message, customerId,
                customerName, customerEmail, ipAddress, screenshotUrl, metadata, status, revokedAt, revokedMethod,
                program, brand, channel);
    }

    /** Masks the phone number and leaves out the consent text and personal fields. */
    @Override
    public String toString() {
        return "ConsentRecord[" + consentId + ", " + timestamp + ", " + phoneNumber.masked() + ", "
                + (optInMethod.isEmpty() ? "suppression" : optInMethod) + ", " + status.journalName()
                + (program.isEmpty() && brand.isEmpty() ? "" : ", " + brand + "/" + program)
                + (revokedAt == null ? "" : ", revoked " + revokedAt + " via " + revokedMethod) + "]";
    }
}
