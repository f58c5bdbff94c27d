package io.consentkit.inbound;

import java.util.Locale;

/**
 * The channel an inbound message came on, read from the prefix of its sender address as Twilio writes
 * it: {@code +15125551234} (no prefix) is {@link #SMS}, {@code whatsapp:+15125551234} is
 * {@link #WHATSAPP}, {@code messenger:1234567890} is {@link #MESSENGER}, {@code rcs:+15125551234} is
 * {@link #RCS}; any other {@code word:} prefix is {@link #OTHER}.
 *
 * <p>By default only {@link #SMS} and {@link #RCS} change SMS consent
 * ({@link InboundHandler.Builder#consentChannels}): since 2026-03-16 Twilio unifies opt-outs across
 * RCS, SMS and MMS from the same sender or Messaging Service (an RCS STOP blocks SMS too, with 21610),
 * while a WhatsApp or Messenger conversation has its own opt-in rules and says nothing about texts.
 * Immutable and thread-safe.
 */
public enum Channel {
    /** SMS or MMS from a phone number (no prefix, or {@code sms:} / {@code mms:}). */
    SMS("sms"),
    /** WhatsApp ({@code whatsapp:}). */
    WHATSAPP("whatsapp"),
    /** Facebook Messenger ({@code messenger:}). */
    MESSENGER("messenger"),
    /** RCS business messaging ({@code rcs:}). */
    RCS("rcs"),
    /** Any other prefixed address (a channel this version does not know). */
    OTHER("");

    private final String prefix;

    Channel(String prefix) {
        this.prefix = prefix;
    }

    /** The address prefix without its colon ({@code "whatsapp"}); empty for {@link #OTHER}. */
    public String prefix() {
        return prefix;
    }

    /**
     * The channel of a sender address: {@link #SMS} when it has no {@code word:} prefix (a phone
     * number in any form), else the channel the prefix names (case-insensitive), {@link #OTHER} for an
     * unknown one. Null or blank is {@link #SMS}.
     */
    public static Channel ofAddress(String address) {
        int colon = prefixEnd(address);
        if (colon < 0) {
            return SMS;
        }
        String p = address.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "sms", "mms" -> SMS;
            case "whatsapp" -> WHATSAPP;
            case "messenger" -> MESSENGER;
            case "rcs" -> RCS;
            default -> OTHER;
        };
    }

    /** The address without its channel prefix ({@code "whatsapp:+1512..."} gives {@code "+1512..."}). */
    public static String stripPrefix(String address) {
        int colon = prefixEnd(address);
        return colon < 0 ? address : address.substring(colon + 1).strip();
    }

    /** Index of the colon ending a leading {@code word:} prefix (letters only), or -1. */
    private static int prefixEnd(String address) {
        if (address == null) {
            return -1;
        }
        int i = 0;
        int n = address.length();
        while (i < n && Character.isWhitespace(address.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < n && Character.isLetter(address.charAt(i))) {
            i++;
        }
        return i > start && i < n && address.charAt(i) == ':' ? i : -1;
    }
}
