/**
 * The implementation of {@code io.consentkit.s3.S3ConsentStore}: settings, S3 calls with their
 * retry loop, key layout, journal objects and manifest, loading, polling, appending and
 * compaction. Not public API: it may change in any release. This package never depends on
 * {@code io.consentkit.s3}; the public store adapts its types (its sleeper, its compaction result)
 * to the ones here. Parameters and results are never null unless a method says so.
 */
package io.consentkit.s3.internal;
