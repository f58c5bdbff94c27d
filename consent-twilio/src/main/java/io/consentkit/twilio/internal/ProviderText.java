package io.consentkit.twilio.internal;

import io.consentkit.support.Masking;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes provider messages safe for logs and results: Twilio's error texts quote the 'To'
 * number ("The 'To' number +1555... is not a valid phone number"). Every run of seven or more
 * digits (with separators) is masked; error codes and URLs with shorter numbers are kept.
 * Not public API.
 */
public final class ProviderText {
    private static final Pattern NUMBERISH = Pattern.compile("\\+?[0-9][0-9 ().\\-]{5,22}[0-9]");
    private static final int MAX_LENGTH = 500;

    private ProviderText() {
    }

    /** {@code text} with phone-number-like digit runs masked and its length bounded. */
    public static String safe(String text) {
        if (text == null) {
            return "";
        }
        String t = text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) + "..." : text;
        Matcher m = NUMBERISH.matcher(t);
        StringBuilder sb = new StringBuilder(t.length());
        while (m.find()) {
            String run = m.group();
            long digits = run.chars().filter(Character::isDigit).count();
            m.appendReplacement(sb, Matcher.quoteReplacement(digits >= 7 ? Masking.phone(run) : run));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
