/**
 * Pages served from the jar, as servlets that mount beside the Twilio webhooks: a public opt-in
 * page with SMS double opt-in, a front-desk mode for in-person consent, and an operator console.
 */
package io.consentkit.web;
