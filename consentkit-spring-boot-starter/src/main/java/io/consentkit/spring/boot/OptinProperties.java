package io.consentkit.spring.boot;

/** {@code consentkit.optin.*}: the public opt-in page the starter mounts in a servlet app. */
public class OptinProperties {
    /** Path of the public opt-in page (SMS double opt-in) in a servlet app; unset for none. */
    private String path;
    /** Terms page the opt-in page links to (required with optin.path). */
    private String termsUrl;
    /** Privacy policy the opt-in page links to (required with optin.path). */
    private String privacyUrl;
    /** Message frequency the opt-in page shows, e.g. Up to 4 msgs per month. */
    private String frequency = "Message frequency varies.";
    /** What people sign up for, in words (default: the program's name and text messages). */
    private String label;
    /** Directory of the page snapshots whose SHA-256 each opt-in cites. */
    private String snapshotDir = "consent-data/page-snapshots";

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public String getTermsUrl() {
        return termsUrl;
    }

    public void setTermsUrl(String termsUrl) {
        this.termsUrl = termsUrl;
    }

    public String getPrivacyUrl() {
        return privacyUrl;
    }

    public void setPrivacyUrl(String privacyUrl) {
        this.privacyUrl = privacyUrl;
    }

    public String getFrequency() {
        return frequency;
    }

    public void setFrequency(String frequency) {
        this.frequency = frequency;
    }

    public String getLabel() {
        return label;
    }

    public void setLabel(String label) {
        this.label = label;
    }

    public String getSnapshotDir() {
        return snapshotDir;
    }

    public void setSnapshotDir(String snapshotDir) {
        this.snapshotDir = snapshotDir;
    }
}
