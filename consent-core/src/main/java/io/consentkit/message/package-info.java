/**
 * Message text: what Twilio will bill for it and how to make it fit.
 *
 * <ul>
 *   <li>{@link io.consentkit.message.SegmentCalculator}: encoding (GSM-7 or UCS-2), segments,
 *       units used and left, and the characters that forced UCS-2, by Twilio's rules.</li>
 *   <li>{@link io.consentkit.message.SmartEncoding}: optional replacement of Unicode look-alikes
 *       with GSM-7 equivalents, mirroring Twilio's {@code SmartEncoded} option.</li>
 *   <li>{@link io.consentkit.message.SmsTemplate}: named placeholders, brand prefix, compliance
 *       footer.</li>
 *   <li>{@link io.consentkit.message.MessageFormatter}: fits a message into a segment budget by
 *       rejecting or truncating it safely.</li>
 *   <li>{@link io.consentkit.message.PriceTable}: segments times a per-country price.</li>
 * </ul>
 *
 * <p>Parameters and return values are never {@code null} unless a method says otherwise.
 * Indexes into a text are UTF-16 indexes (as {@link java.lang.String#charAt(int)} uses).
 */
package io.consentkit.message;
