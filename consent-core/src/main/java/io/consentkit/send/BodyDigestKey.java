package io.consentkit.send;

import io.consentkit.internal.AppendOnlyFile;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret a {@link CsvSendLog} keys its body digests with: 32 random bytes kept as hex in a
 * sidecar file ({@code <log>.key}) created owner-only ({@code 0600} where the file system has POSIX
 * permissions) the first time the log is opened. The key file is written to a temporary name, forced
 * and moved into place, so a crash never leaves a half-written key. Immutable and thread-safe (each
 * digest uses its own {@link Mac}).
 */
final class BodyDigestKey {
    /** Prefix of every keyed digest value, so keyed and legacy plain SHA-256 values tell themselves apart. */
    static final String PREFIX = "hmac-sha256:";
    private static final String ALGORITHM = "HmacSHA256";
    private static final int KEY_BYTES = 32;

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    private BodyDigestKey(byte[] secret) {
        this.key = new SecretKeySpec(secret, ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** The key file of the log at {@code log}. */
    static Path keyFile(Path log) {
        return log.resolveSibling(log.getFileName() + ".key");
    }

    /**
     * Reads the key file, or creates it when it is missing and {@code mayCreate} (a log whose
     * existing rows hold no keyed digest: new, or written before digests were keyed).
     *
     * @throws SendLogException if the key file is unreadable or malformed, or missing while the log
     *                          already holds keyed digests (a new key would silently break comparisons)
     */
    static BodyDigestKey load(Path log, boolean mayCreate) {
        Path file = keyFile(log);
        try {
            return new BodyDigestKey(read(file));
        } catch (NoSuchFileException e) {
            if (!mayCreate) {
                throw new SendLogException("send log " + log + " holds keyed body digests but its key file " + file
                        + " is missing: restore it, or move the log aside to start a new one");
            }
            return new BodyDigestKey(create(file));
        } catch (IOException e) {
            throw new SendLogException("cannot read the send log key " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (text.length() != KEY_BYTES * 2 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new SendLogException("send log key " + file + " is not " + KEY_BYTES * 2 + " hex digits");
        }
        return HexFormat.of().parseHex(text);
    }

    private static byte[] create(Path file) {
        byte[] secret = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(secret);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
            tmp = posix ? Files.createTempFile(dir, file.getFileName() + ".", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
            try (var ch = Files.newByteChannel(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap((HexFormat.of().formatHex(secret) + "\n")
                        .getBytes(StandardCharsets.US_ASCII)));
                if (ch instanceof java.nio.channels.FileChannel fc) {
                    fc.force(true);
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
            tmp = null;
            AppendOnlyFile.forceDirectory(dir);
            return secret;
        } catch (FileAlreadyExistsException e) {
            try {
                return read(file); // another opener won the race: use its key
            } catch (IOException re) {
                throw new SendLogException("cannot read the send log key " + file + ": " + re.getMessage(), re);
            }
        } catch (IOException e) {
            throw new SendLogException("cannot create the send log key " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a stray temporary key file holds an unused random key
                }
            }
        }
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java runtime", e);
        }
    }

    /** {@value #PREFIX} and the lower-case hex HMAC-SHA256 of {@code body}'s UTF-8 bytes. */
    String digest(String body) {
        Mac mac = macs.get();
        mac.reset();
        return PREFIX + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
