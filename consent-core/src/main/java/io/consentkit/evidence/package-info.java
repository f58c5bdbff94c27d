/**
 * The evidence pack: what a carrier, a regulator or a court asks to see about a program's consents,
 * in one zip with an HTML summary ({@link io.consentkit.evidence.EvidencePack}). Parameters and
 * return values are never null unless documented.
 */
package io.consentkit.evidence;
