/**
 * The journal floor: the shared vocabulary of consent rows and their storage.
 *
 * <p>{@link io.consentkit.journal.ConsentRecord} is one journal row, with
 * {@link io.consentkit.journal.ConsentStatus} and {@link io.consentkit.journal.OptInMethod};
 * {@link io.consentkit.journal.ConsentStore} is the narrow storage SPI (append rows, replay them),
 * {@link io.consentkit.journal.SharedConsentStore} the optional capability of a store that several
 * machines share, and {@link io.consentkit.journal.StoreCapabilities} what a store promises. Store
 * failures are {@link io.consentkit.journal.ConsentStoreException} and its subtypes.
 *
 * <p>{@link io.consentkit.journal.JournalCodec} is the public journal CSV codec: the schema (version 1,
 * the 14 legacy columns; version 2, those and program, brand, channel; the header is the marker), header
 * mapping, row decoding with the same validation every ConsentKit store applies, and
 * row encoding. A third-party store (a database, an object store) uses it to read and write the
 * exact format the CSV and S3 stores use, so journals move between stores unchanged.
 *
 * <p>This package imports only the root package, {@code io.consentkit.phone},
 * {@code io.consentkit.support} and leaf internals; nothing here knows the tracker, inbound or
 * sending. Parameters and return values are never {@code null} unless a type's documentation says so.
 */
package io.consentkit.journal;
