package io.consentkit.web;

import io.consentkit.InvalidInputException;
import io.consentkit.config.ConfigKeys;
import io.consentkit.config.ConsentKitConfig;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The one operator login of the console: a user name and a password kept only as a PBKDF2 hash
 * ({@code PBKDF2WithHmacSHA256} from the JDK), encoded {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}
 * with the salt and hash in base64. A plain password (from {@code CONSENTKIT_CONSOLE_PASSWORD}) is hashed
 * at once with a fresh salt and never kept. Checking a password costs the same PBKDF2 work whether the
 * user name is right or not, and compares in constant time. Immutable and thread-safe; {@link #toString()}
 * shows no hash.
 */
public final class ConsoleCredentials {
    /** Default PBKDF2 iterations of {@link #hash(char[])}: {@value} (OWASP's figure for PBKDF2-HMAC-SHA256). */
    public static final int DEFAULT_ITERATIONS = 600_000;
    /** Fewest iterations accepted in a hash: {@value}. */
    public static final int MIN_ITERATIONS = 10_000;
    /** Fewest characters of a password: {@value}. */
    public static final int MIN_PASSWORD_LENGTH = 12;
    private static final String PREFIX = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String user;
    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private ConsoleCredentials(String user, int iterations, byte[] salt, byte[] hash) {
        this.user = user;
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /**
     * A login with a plain password (hashed here with {@link #DEFAULT_ITERATIONS} and a fresh salt).
     *
     * @throws InvalidInputException naming {@code consentkit.console.user} or {@code consentkit.console.password}
     *                               for an empty user or a password shorter than {@link #MIN_PASSWORD_LENGTH}
     */
    public static ConsoleCredentials password(String user, char[] password) {
        return password(user, password, DEFAULT_ITERATIONS);
    }

    /** As {@link #password(String, char[])} with {@code iterations} (at least {@link #MIN_ITERATIONS}). */
    public static ConsoleCredentials password(String user, char[] password, int iterations) {
        String u = checkUser(user);
        checkPassword(password);
        checkIterations(iterations, ConfigKeys.CONSOLE_PASSWORD.name());
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new ConsoleCredentials(u, iterations, salt, derive(password, salt, iterations));
    }

    /**
     * A login with a password hash as {@link #hash(char[])} writes it.
     *
     * @throws InvalidInputException naming {@code consentkit.console.password-hash} for a malformed hash
     */
    public static ConsoleCredentials hashed(String user, String encoded) {
        String u = checkUser(user);
        String field = ConfigKeys.CONSOLE_PASSWORD_HASH.name();
        String[] parts = InvalidInputException.requireText(field, encoded).split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(PREFIX)) {
            throw new InvalidInputException(field, "must be " + PREFIX + "$<iterations>$<salt>$<hash>");
        }
        int iterations;
        byte[] salt;
        byte[] hash;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field, "has a bad iteration count, salt or hash (base64)");
        }
        checkIterations(iterations, field);
        if (salt.length < 8 || hash.length != HASH_BITS / 8) {
            throw new InvalidInputException(field, "needs a salt of 8 bytes or more and a 32-byte hash");
        }
        return new ConsoleCredentials(u, iterations, salt, hash);
    }

    /**
     * The console login from the configuration: {@code consentkit.console.password-hash} if set, else
     * {@code consentkit.console.password} (the environment's {@code CONSENTKIT_CONSOLE_PASSWORD}), for user
     * {@code consentkit.console.user}. Empty when neither is set: then there is no console.
     */
    public static Optional<ConsoleCredentials> fromConfig(ConsentKitConfig config) {
        String user = config.value(ConfigKeys.CONSOLE_USER);
        Optional<String> hashed = config.text(ConfigKeys.CONSOLE_PASSWORD_HASH);
        if (hashed.isPresent()) {
            return Optional.of(hashed(user, hashed.get()));
        }
        return config.text(ConfigKeys.CONSOLE_PASSWORD).map(p -> password(user, p.toCharArray()));
    }

    /** Encodes a new hash of {@code password} with {@link #DEFAULT_ITERATIONS} and a fresh salt. */
    public static String hash(char[] password) {
        return hash(password, DEFAULT_ITERATIONS);
    }

    /** Encodes a new hash of {@code password} with {@code iterations} and a fresh salt. */
    public static String hash(char[] password, int iterations) {
        checkPassword(password);
        checkIterations(iterations, "iterations");
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, iterations));
    }

    /** The login name. */
    public String user() {
        return user;
    }

    /** True if {@code user} and {@code password} are this login's; always does the full PBKDF2 work. */
    public boolean matches(String user, char[] password) {
        Objects.requireNonNull(password, "password");
        byte[] attempt = derive(password, salt, iterations);
        boolean hashOk = MessageDigest.isEqual(attempt, hash);
        boolean userOk = MessageDigest.isEqual(this.user.getBytes(StandardCharsets.UTF_8),
                (user == null ? "" : user).getBytes(StandardCharsets.UTF_8));
        return hashOk & userOk;
    }

    @Override
    public String toString() {
        return "ConsoleCredentials[user=" + user + ", pbkdf2-sha256 x" + iterations + "]";
    }

    private static String checkUser(String user) {
        return new Operator(InvalidInputException.requireText(ConfigKeys.CONSOLE_USER.name(), user)).name();
    }

    private static void checkPassword(char[] password) {
        if (password == null || password.length < MIN_PASSWORD_LENGTH) {
            throw new InvalidInputException(ConfigKeys.CONSOLE_PASSWORD.name(), "must have at least "
                    + MIN_PASSWORD_LENGTH + " characters");
        }
    }

    private static void checkIterations(int iterations, String field) {
        if (iterations < MIN_ITERATIONS || iterations > 10_000_000) {
            throw new InvalidInputException(field, "needs " + MIN_ITERATIONS + " to 10000000 iterations, was " + iterations);
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }
}
