package io.consentkit.journal;

import io.consentkit.InvalidInputException;
import io.consentkit.internal.HashChain;
import io.consentkit.support.Masking;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A journal's chain head (its row count and the link after its last row), signed with Ed25519 by a
 * key the business holds, so a third party can check a journal or an export with only the public key:
 * {@link #verifies(PublicKey)}, then {@link JournalVerifier} with
 * {@link JournalVerifier.Options#withExpectedHead}. Rows appended after the head are outside the
 * signature until a new head is signed.
 *
 * <p><b>Text form</b> ({@link #toText()}, {@link #parse}), UTF-8, one {@code key: value} per line:
 * <pre>
 * consentkit-chain-head: 1
 * rows: 1042
 * chain_link: 64 lower-case hex digits
 * signed_at: 2026-12-01T17:00:00Z
 * key_id: 16 hex digits
 * algorithm: Ed25519
 * signature: base64
 * </pre>
 * The signature is Ed25519 over the UTF-8 of the first five lines exactly as written, each ending in a
 * line feed ({@link #signedBytes()}). The key id is the first 16 hex digits of SHA-256 over the public
 * key's X.509 encoding ({@link #keyId(PublicKey)}). Keys travel as PEM: {@code PUBLIC KEY} (X.509
 * SubjectPublicKeyInfo) and {@code PRIVATE KEY} (PKCS #8), what {@code openssl genpkey -algorithm ed25519}
 * writes. Immutable and thread-safe.
 *
 * @param rows      data rows the head covers (legacy rows included)
 * @param chainLink the link after row {@code rows}, hex (the genesis if no row is chained)
 * @param signedAt  when it was signed
 * @param keyId     the signing key's id
 * @param signature the Ed25519 signature over {@link #signedBytes()}
 */
public record SignedChainHead(long rows, String chainLink, Instant signedAt, String keyId, byte[] signature) {
    /** The signature algorithm, from the JDK. */
    public static final String ALGORITHM = "Ed25519";
    private static final String FORMAT_LINE = "consentkit-chain-head: 1";

    public SignedChainHead {
        if (rows < 0) {
            throw new InvalidInputException("rows", "must be zero or positive");
        }
        if (!HashChain.isHex(chainLink)) {
            throw new InvalidInputException("chain_link", "must be 64 lower-case hex digits");
        }
        Objects.requireNonNull(signedAt, "signedAt");
        if (keyId == null || !keyId.matches("[0-9a-f]{16}")) {
            throw new InvalidInputException("key_id", "must be 16 lower-case hex digits");
        }
        signature = Objects.requireNonNull(signature, "signature").clone();
    }

    /** A copy of the signature bytes. */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * Signs the head of a verified journal: {@code result} must be {@link JournalVerifier.Result#ok()}.
     *
     * @param publicKey the key third parties will check with (its id goes into the head)
     * @throws InvalidInputException naming {@code journal} if the result has a broken row, or {@code key}
     *                               if the keys are not an Ed25519 pair
     */
    public static SignedChainHead sign(JournalVerifier.Result result, PrivateKey privateKey, PublicKey publicKey,
                                       Clock clock) {
        if (!result.ok()) {
            throw new InvalidInputException("journal", "has a broken row (" + result.firstBreak().describe()
                    + "); a head is signed only over a chain that verifies");
        }
        String keyId = keyId(publicKey);
        Instant at = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        SignedChainHead unsigned = new SignedChainHead(result.rows(), result.head(), at, keyId, new byte[0]);
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(privateKey);
            s.update(unsigned.signedBytes());
            SignedChainHead head = new SignedChainHead(result.rows(), result.head(), at, keyId, s.sign());
            if (!head.verifies(publicKey)) {
                throw new InvalidInputException("key", "the private key does not belong to the public key "
                        + keyId);
            }
            return head;
        } catch (GeneralSecurityException e) {
            throw new InvalidInputException("key", "is not an Ed25519 private key (" + e.getMessage() + ")");
        }
    }

    /** True if the signature is valid under {@code publicKey} (false for another key or a changed head). */
    public boolean verifies(PublicKey publicKey) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(publicKey);
            s.update(signedBytes());
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The bytes the signature covers: the first five lines of {@link #toText()}. */
    public byte[] signedBytes() {
        return (FORMAT_LINE + "\nrows: " + rows + "\nchain_link: " + chainLink + "\nsigned_at: " + signedAt
                + "\nkey_id: " + keyId + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The text form (see the class comment). */
    public String toText() {
        return new String(signedBytes(), StandardCharsets.UTF_8) + "algorithm: " + ALGORITHM + "\nsignature: "
                + Base64.getEncoder().encodeToString(signature) + "\n";
    }

    /**
     * Parses the text form.
     *
     * @throws InvalidInputException naming the first missing or bad field; {@code source} names the input
     */
    public static SignedChainHead parse(String text, String source) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n", -1)) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            int colon = l.indexOf(':');
            if (colon < 0) {
                throw new InvalidInputException("head", source + ": '" + Masking.printable(l) + "' is not 'key: value'");
            }
            fields.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
        }
        if (!"1".equals(fields.get("consentkit-chain-head"))) {
            throw new InvalidInputException("head", source + ": is not a consentkit chain head (version 1)");
        }
        if (!ALGORITHM.equals(fields.get("algorithm"))) {
            throw new InvalidInputException("algorithm", source + ": must be " + ALGORITHM);
        }
        try {
            return new SignedChainHead(Long.parseLong(field(fields, "rows", source)), field(fields, "chain_link",
                    source), Instant.parse(field(fields, "signed_at", source)), field(fields, "key_id", source),
                    Base64.getDecoder().decode(field(fields, "signature", source)));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new InvalidInputException("head", source + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("signature", source + ": is not base64");
        }
    }

    private static String field(Map<String, String> fields, String name, String source) {
        String v = fields.get(name);
        if (v == null || v.isEmpty()) {
            throw new InvalidInputException(name, source + ": is missing");
        }
        return v;
    }

    /** The key id of {@code publicKey}: the first 16 hex digits of SHA-256 over its X.509 encoding. */
    public static String keyId(PublicKey publicKey) {
        byte[] d = HashChain.digest(publicKey.getEncoded(), 0, publicKey.getEncoded().length);
        return HashChain.hex(d).substring(0, 16);
    }

    /** PEM text of a public key ({@code -----BEGIN PUBLIC KEY-----}, X.509). */
    public static String toPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /** PEM text of a private key ({@code -----BEGIN PRIVATE KEY-----}, PKCS #8). Keep it secret. */
    public static String toPem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /**
     * Reads an Ed25519 public key from PEM ({@code PUBLIC KEY}).
     *
     * @throws InvalidInputException naming {@code public_key} if it is not one
     */
    public static PublicKey publicKeyFromPem(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(unPem(pem, "PUBLIC KEY",
                    "public_key")));
        } catch (GeneralSecurityException e) {
            throw new InvalidInputException("public_key", "is not an Ed25519 public key (" + e.getMessage() + ")");
        }
    }

    /**
     * Reads an Ed25519 private key from PEM ({@code PRIVATE KEY}, PKCS #8).
     *
     * @throws InvalidInputException naming {@code private_key} if it is not one (the key is not echoed)
     */
    public static PrivateKey privateKeyFromPem(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(unPem(pem, "PRIVATE KEY",
                    "private_key")));
        } catch (GeneralSecurityException e) {
            throw new InvalidInputException("private_key", "is not an Ed25519 private key in PKCS #8");
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] unPem(String pem, String type, String field) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            throw new InvalidInputException(field, "is not PEM with a '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new InvalidInputException(field, "has a PEM block that is not base64");
        }
    }

    /** Masks nothing secret (a head holds none); the signature is shortened. */
    @Override
    public String toString() {
        return "SignedChainHead[rows=" + rows + ", chain_link=" + chainLink + ", signed_at=" + signedAt + ", key_id="
                + keyId + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedChainHead h && rows == h.rows && chainLink.equals(h.chainLink)
                && signedAt.equals(h.signedAt) && keyId.equals(h.keyId) && java.util.Arrays.equals(signature, h.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows, chainLink, signedAt, keyId, java.util.Arrays.hashCode(signature));
    }
}
