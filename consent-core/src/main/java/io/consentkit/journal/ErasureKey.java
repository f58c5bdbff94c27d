package io.consentkit.journal;

import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumber;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The business's key for erased numbers: an erasure keeps {@code hmac-sha256:<hex>} of the number
 * (HMAC-SHA256 under this key) instead of the number, so a tracker holding the key still refuses to
 * text it, while the journal alone no longer tells who it was (a plain hash of a phone number is
 * reversed by trying every number; a keyed one is not without the key). Keep the key outside the
 * journal's folder and back it up: without it the erased numbers are no longer recognised.
 *
 * <p>Immutable and thread-safe; {@link #toString} never shows the key.
 */
public final class ErasureKey {
    /** The prefix of every hash. */
    public static final String PREFIX = "hmac-sha256:";
    /** Fewest key bytes accepted: {@value}. */
    public static final int MIN_BYTES = 32;

    private final byte[] key;
    private final ThreadLocal<Mac> macs;

    private ErasureKey(byte[] key) {
        this.key = key.clone();
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac(); // fails now, not on first use
    }

    /**
     * A key of these bytes.
     *
     * @throws InvalidInputException (field {@code erasureKey}) for fewer than {@value #MIN_BYTES} bytes
     */
    public static ErasureKey of(byte[] key) {
        if (key == null || key.length < MIN_BYTES) {
            throw new InvalidInputException("erasureKey", "must be at least " + MIN_BYTES + " bytes, was "
                    + (key == null ? 0 : key.length));
        }
        return new ErasureKey(key);
    }

    /**
     * Reads a key file: one line of hex ({@code openssl rand -hex 32}) or base64.
     *
     * @throws InvalidInputException (field {@code erasureKey}) if the file is missing, unreadable, not hex
     *                               or base64, or too short
     */
    public static ErasureKey load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("erasureKey", "no key file " + file);
        } catch (IOException e) {
            throw new InvalidInputException("erasureKey", "cannot read key file " + file + ": " + e.getMessage());
        }
        byte[] bytes;
        try {
            bytes = text.matches("[0-9a-fA-F]+") && text.length() % 2 == 0 ? HexFormat.of().parseHex(text)
                    : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("erasureKey", "key file " + file + " is neither hex nor base64");
        }
        try {
            return of(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from the JDK", e);
        }
    }

    /** The keyed hash an erasure keeps for {@code phone}: {@code hmac-sha256:} and 64 hex digits. */
    public String hash(PhoneNumber phone) {
        byte[] d = macs.get().doFinal(("erased:" + phone.e164()).getBytes(StandardCharsets.UTF_8));
        return PREFIX + HexFormat.of().formatHex(d);
    }

    @Override
    public String toString() {
        return "ErasureKey[****]";
    }
}
