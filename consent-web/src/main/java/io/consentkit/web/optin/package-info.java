/**
 * The public opt-in page with SMS double opt-in: {@link io.consentkit.web.optin.OptInPageSettings} (what the page
 * says, validated so that a page without its disclosures or with a pre-checked box cannot be built) and
 * {@link io.consentkit.web.optin.OptInPage} (the servlet). Nothing here is null unless its Javadoc says so.
 */
package io.consentkit.web.optin;
