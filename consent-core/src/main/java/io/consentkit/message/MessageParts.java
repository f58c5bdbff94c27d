package io.consentkit.message;

import io.consentkit.InvalidInputException;

import java.util.Objects;

/**
 * The pieces {@link MessageFormatter} joins into one text, in this order, separated by single
 * spaces: brand prefix, subject (followed by {@code ": "}), body, link (after the formatter's
 * link label) and footer. Only the body is required; empty pieces are left out. When a message
 * must shrink, the formatter drops an {@link FooterMode#IF_FITS} footer first, then the subject,
 * then truncates the body; the prefix, the link and an {@link FooterMode#ALWAYS} footer are never
 * cut. Immutable and thread-safe.
 *
 * <pre>{@code
 * MessageParts reminder = MessageParts.of("Take out trash by 6pm.")
 *         .withSubject("Chore due")
 *         .withLink("https://short.link/abc123");
 * }</pre>
 *
 * @param prefix     brand prefix such as {@code "SafeShipper:"}, or ""
 * @param subject    subject such as {@code "Chore due"}, or ""
 * @param body       the message; never blank
 * @param link       a URL kept whole (never truncated), or ""
 * @param footer     compliance footer such as {@code "Reply STOP to opt out"}, or ""
 * @param footerMode whether the footer is required or only added when it fits
 */
public record MessageParts(String prefix, String subject, String body, String link, String footer,
                           FooterMode footerMode) {
    /** Longest link accepted, in characters. */
    public static final int MAX_LINK_LENGTH = 1600;

    /**
     * Checks the parts.
     *
     * @throws EmptyMessageException if the body is null or blank
     */
    public MessageParts {
        if (body == null || body.isBlank()) {
            throw new EmptyMessageException("body");
        }
        prefix = InvalidInputException.optionalText(prefix);
        subject = InvalidInputException.optionalText(subject);
        body = body.strip();
        link = InvalidInputException.optionalText(link);
        footer = InvalidInputException.optionalText(footer);
        Objects.requireNonNull(footerMode, "footerMode");
        if (link.length() > MAX_LINK_LENGTH) {
            throw new InvalidInputException("link", "is longer than " + MAX_LINK_LENGTH + " characters");
        }
        for (int i = 0; i < link.length(); i++) {
            if (Character.isWhitespace(link.charAt(i)) || Character.isISOControl(link.charAt(i))) {
                throw new InvalidInputException("link", "contains white space or a control character at index " + i);
            }
        }
    }

    /** Just a body. */
    public static MessageParts of(String body) {
        return new MessageParts("", "", body, "", "", FooterMode.ALWAYS);
    }

    public MessageParts withPrefix(String prefix) {
        return new MessageParts(prefix, subject, body, link, footer, footerMode);
    }

    public MessageParts withSubject(String subject) {
        return new MessageParts(prefix, subject, body, link, footer, footerMode);
    }

    public MessageParts withLink(String link) {
        return new MessageParts(prefix, subject, body, link, footer, footerMode);
    }

    public MessageParts withFooter(String footer, FooterMode mode) {
        return new MessageParts(prefix, subject, body, link, footer, mode);
    }

    String join(String bodyText, boolean withSubject, boolean withFooter, String linkLabel) {
        StringBuilder sb = new StringBuilder(prefix.length() + subject.length() + bodyText.length()
                + link.length() + footer.length() + 16);
        if (!prefix.isEmpty()) {
            sb.append(prefix).append(' ');
        }
        if (withSubject && !subject.isEmpty()) {
            sb.append(subject).append(subject.endsWith(":") ? " " : ": ");
        }
        sb.append(bodyText);
        if (!link.isEmpty()) {
            sb.append(' ');
            if (!linkLabel.isEmpty()) {
                sb.append(linkLabel).append(' ');
            }
            sb.append(link);
        }
        if (withFooter && !footer.isEmpty()) {
            sb.append(' ').append(footer);
        }
        return sb.toString();
    }
}
