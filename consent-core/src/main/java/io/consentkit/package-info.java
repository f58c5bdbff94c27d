/**
 * ConsentKit: proof of SMS consent, inbound keyword handling and guarded sending.
 *
 * <p>Unless a type's documentation says otherwise, parameters and return values in ConsentKit's
 * public API are never {@code null}; optional text fields of value types are the empty string
 * when absent, and lookups that may find nothing return {@link java.util.Optional}.
 */
package io.consentkit;
