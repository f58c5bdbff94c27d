/**
 * A multi-writer consent store in Amazon S3: {@link io.consentkit.s3.S3ConsentStore}, plus
 * {@link io.consentkit.s3.S3ConsentFiles} for legacy imports and audit exports held in S3.
 * Only the caller's {@code S3Client} crosses this API; every failure is a
 * {@link io.consentkit.journal.ConsentStoreException}. Parameters and results are never null
 * unless a method says so.
 */
package io.consentkit.s3;
