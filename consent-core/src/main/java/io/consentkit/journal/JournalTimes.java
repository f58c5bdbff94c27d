package io.consentkit.journal;

import java.time.Instant;

/** The fast path of {@link JournalCodec#parseTime}: {@link Instant#toString()}'s own form. Stateless. */
final class JournalTimes {
    private JournalTimes() {
    }

    /**
     * Parses the exact form {@link Instant#toString()} writes ({@code 2025-01-15T18:22:03.123Z}, 0 to 9
     * fraction digits) without the formatter machinery; null for anything else.
     */
    static Instant fastInstant(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1
                || day > 31 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int fracLen = n - 21;
            if (s.charAt(19) != '.' || fracLen < 1 || fracLen > 9) {
                return null;
            }
            int f = digits(s, 20, fracLen);
            if (f < 0) {
                return null;
            }
            nanos = f;
            for (int i = fracLen; i < 9; i++) {
                nanos *= 10;
            }
        } else if (s.charAt(19) != 'Z') {
            return null;
        }
        if (day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
    }

    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
