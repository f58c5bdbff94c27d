package io.consentkit.cli;

/** How commands print results. */
enum OutputFormat {
    text, json
}
