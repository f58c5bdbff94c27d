package io.consentkit.journal;

/**
 * Well-known values of the {@code opt_in_method} column. The column is open: any lower-case
 * word of letters, digits and underscores is accepted ({@link #isWellFormed}), so an app can
 * use its own (e.g. {@code "kiosk"}). A suppression row (an opt-out from a number that never
 * opted in) has an empty method.
 */
public final class OptInMethod {
    /** Checkbox on a web form. */
    public static final String WEB_FORM = "web_form";
    /** The person texted a keyword (START, YES, a campaign word). */
    public static final String KEYWORD = "keyword";
    /** Collected in person, e.g. at a front desk. */
    public static final String IN_PERSON = "in_person";
    /** The person scanned a QR code. */
    public static final String QR_CODE = "qr_code";
    /** The person answered Y to a confirmation text. */
    public static final String SMS_CONFIRMATION = "sms_confirmation";

    private OptInMethod() {
    }

    /** True for a non-empty word of [a-z0-9_], at most 64 characters. */
    public static boolean isWellFormed(String method) {
        if (method == null || method.isEmpty() || method.length() > 64) {
            return false;
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
