package io.consentkit.consent;

/**
 * Told how far a long operation has come (an import or an export of a large journal), so a caller can
 * draw a progress bar. Called on the thread running the operation, at most every few thousand rows
 * (or 64 KiB read) and once at the end with {@code done == total}; it should return quickly and not
 * call back into the tracker. The units are the operation's own: bytes read for an import, rows
 * written for an export.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores every call. */
    ProgressListener NONE = (done, total) -> { };

    /**
     * {@code done} units of {@code total} are done ({@code 0 <= done <= total}; {@code total} is 0
     * when the work is empty).
     */
    void progress(long done, long total);
}
