/**
 * Retention and erasure: {@link io.consentkit.retention.RetentionPolicy} (how long proof is kept and
 * who has outlived it) and {@link io.consentkit.retention.Erasure} (redacting a person's data while
 * keeping their number suppressed under a keyed hash). Parameters and return values are never null
 * unless documented.
 */
package io.consentkit.retention;
