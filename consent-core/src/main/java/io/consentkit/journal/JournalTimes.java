package io.consentkit.journal;

import java.time.Instant;

/**
 * The fast paths of {@link JournalCodec#parseTime} and of writing a time: {@link Instant#toString()}'s own
 * form, without the formatter machinery. Stateless.
 */
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

    /** The last second of year 9999: beyond it (and before 1970) {@link #format} leaves it to the JDK. */
    private static final long MAX_FAST_SECOND = 253_402_300_799L;

    /**
     * Exactly {@link Instant#toString()} ({@code 2025-01-15T18:22:03Z}, the fraction in groups of three
     * digits as needed), written without the formatter for the years 1970 to 9999.
     */
    static String format(Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds < 0 || seconds > MAX_FAST_SECOND) {
            return t.toString();
        }
        int nanos = t.getNano();
        long day = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) (seconds - day * 86_400L);
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(day);
        int fraction = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1000 == 0 ? 6 : 9;
        char[] c = new char[20 + (fraction == 0 ? 0 : fraction + 1)];
        put(c, 0, date.getYear(), 4);
        c[4] = '-';
        put(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        put(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        put(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        put(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        put(c, 17, secondOfDay % 60, 2);
        int at = 19;
        if (fraction > 0) {
            c[at++] = '.';
            int value = fraction == 3 ? nanos / 1_000_000 : fraction == 6 ? nanos / 1000 : nanos;
            put(c, at, value, fraction);
            at += fraction;
        }
        c[at] = 'Z';
        return new String(c);
    }

    /** Writes {@code value} as {@code width} decimal digits (zero-padded) at {@code at}. */
    private static void put(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
