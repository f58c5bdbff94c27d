package io.consentkit.cli;

/** How commands print results ({@code csv}: list, search and stats only). */
enum OutputFormat {
    text, json, csv
}
