package io.consentkit.config;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.QuietHours;
import io.consentkit.support.Masking;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The {@code consentkit.*} settings of one application, resolved from its sources by a {@link Loader}
 * with this precedence, highest first:
 *
 * <ol>
 *   <li>overrides ({@link Loader#override}): the CLI's flags;</li>
 *   <li>environment variables ({@link Loader#environment}): {@code CONSENTKIT_BRAND},
 *       {@code CONSENTKIT_STORE_CSV_PATH}... ({@link ConfigKey#environmentVariable()});</li>
 *   <li>a configuration file ({@link Loader#file} for {@code .properties}, or
 *       {@link Loader#values} for keys another reader flattened, e.g. from YAML);</li>
 *   <li>the defaults of {@link ConfigKeys}.</li>
 * </ol>
 *
 * A secret ({@link ConfigKey#secret()}: the Twilio Auth Token) is taken from the environment or read
 * from the file named by {@code consentkit.twilio.auth-token-file}, never from a configuration file
 * (files get committed) or a flag (flags show in process lists); {@link #toString()} masks it.
 * Every value is checked when loaded; an unknown {@code consentkit.} key in a file is an error, so a
 * typo does not pass silently. Immutable and thread-safe.
 *
 * <pre>{@code
 * ConsentKitConfig config = ConsentKitConfig.loader().file(Path.of("consentkit.properties"))
 *         .environment(System.getenv()).load();
 * ConsentTracker tracker = config.applyTo(ConsentTracker.builder(CsvConsentStore.open(config.csvPath()))).build();
 * }</pre>
 */
public final class ConsentKitConfig {
    /** The configuration file the CLI reads from the working directory when present: {@value}. */
    public static final String DEFAULT_FILE = "consentkit.yml";

    private final Map<String, String> values;
    private final Map<String, String> origins;

    private ConsentKitConfig(Map<String, String> values, Map<String, String> origins) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.origins = Collections.unmodifiableMap(new LinkedHashMap<>(origins));
    }

    /** Every key at its default. */
    public static ConsentKitConfig defaults() {
        return loader().load();
    }

    /** A loader with no sources: add them, then {@link Loader#load()}. */
    public static Loader loader() {
        return new Loader();
    }

    /** The canonical value of {@code key}: the highest-precedence source's, else the default; empty if unset. */
    public String value(ConfigKey key) {
        Objects.requireNonNull(key, "key");
        return values.getOrDefault(key.name(), key.defaultValue());
    }

    /** Where {@code key}'s value came from: {@code default}, {@code environment CONSENTKIT_...}, a file name, or {@code override}. */
    public String origin(ConfigKey key) {
        return origins.getOrDefault(key.name(), "default");
    }

    /** True if a source set {@code key} (not only its default). */
    public boolean isSet(ConfigKey key) {
        return values.containsKey(key.name()) && !values.get(key.name()).isEmpty();
    }

    /** {@code consentkit.brand}. */
    public String brand() {
        return value(ConfigKeys.BRAND);
    }

    /** {@code consentkit.store.type}. */
    public StoreType storeType() {
        return StoreType.parse(ConfigKeys.STORE_TYPE.name(), value(ConfigKeys.STORE_TYPE));
    }

    /** {@code consentkit.store.csv.path}. */
    public Path csvPath() {
        return Path.of(value(ConfigKeys.STORE_CSV_PATH));
    }

    /** A {@link ConfigKey.Kind#DURATION} key's value. */
    public Duration duration(ConfigKey key) {
        requireKind(key, ConfigKey.Kind.DURATION);
        return key.parseDuration(value(key));
    }

    /** A {@link ConfigKey.Kind#COUNT} key's value. */
    public long count(ConfigKey key) {
        requireKind(key, ConfigKey.Kind.COUNT);
        return Long.parseLong(value(key));
    }

    /** A {@link ConfigKey.Kind#BOOLEAN} key's value. */
    public boolean flag(ConfigKey key) {
        requireKind(key, ConfigKey.Kind.BOOLEAN);
        return Boolean.parseBoolean(value(key));
    }

    /** A text key's value, or empty when not set. */
    public Optional<String> text(ConfigKey key) {
        String v = value(key);
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /**
     * The Twilio Auth Token: {@code consentkit.twilio.auth-token} from the environment, else the content
     * of the file {@code consentkit.twilio.auth-token-file} names (read when loaded); empty if neither is set.
     */
    public Optional<String> twilioAuthToken() {
        return text(ConfigKeys.TWILIO_AUTH_TOKEN);
    }

    /** True when the Account SID and the Auth Token are both set (the Twilio gateway and webhooks can be built). */
    public boolean twilioConfigured() {
        return isSet(ConfigKeys.TWILIO_ACCOUNT_SID) && twilioAuthToken().isPresent();
    }

    /**
     * Sets the brand, the default region and, when {@code consentkit.erasure.key-file} is set, the erasure key
     * (read from that file now) on {@code builder}; returns it.
     *
     * @throws InvalidInputException if the erasure key file cannot be read or holds no valid key
     */
    public ConsentTracker.Builder applyTo(ConsentTracker.Builder builder) {
        builder.brand(brand()).defaultRegion(value(ConfigKeys.DEFAULT_REGION));
        text(ConfigKeys.ERASURE_KEY_FILE).ifPresent(f -> builder.erasureKey(io.consentkit.journal.ErasureKey.load(Path.of(f))));
        return builder;
    }

    /**
     * Sets every {@code consentkit.sender.*} key on {@code builder} (dry run, cooldown, caps, alert
     * fraction, rate, zone, quiet hours); returns it.
     */
    public GuardedSender.Builder applyTo(GuardedSender.Builder builder) {
        builder.dryRun(flag(ConfigKeys.SENDER_DRY_RUN))
                .cooldown(duration(ConfigKeys.SENDER_COOLDOWN))
                .recipientHourlyCap(Math.toIntExact(count(ConfigKeys.SENDER_RECIPIENT_HOURLY_CAP)))
                .recipientDailyCap(Math.toIntExact(count(ConfigKeys.SENDER_RECIPIENT_DAILY_CAP)))
                .globalDailyCap(count(ConfigKeys.SENDER_GLOBAL_DAILY_CAP))
                .dailyCapAlertAt(Double.parseDouble(value(ConfigKeys.SENDER_DAILY_CAP_ALERT_AT)))
                .segmentsPerSecond(Math.toIntExact(count(ConfigKeys.SENDER_SEGMENTS_PER_SECOND)));
        text(ConfigKeys.SENDER_ZONE).ifPresent(z -> builder.zone(ZoneId.of(z)));
        builder.quietHours(quietHours());
        return builder;
    }

    /** The quiet-hour rules {@code consentkit.sender.quiet-hours.*} describe. */
    public QuietHours quietHours() {
        if (!flag(ConfigKeys.SENDER_QUIET_HOURS_ENABLED)) {
            return QuietHours.none();
        }
        String w = value(ConfigKeys.SENDER_QUIET_HOURS_WINDOW);
        int dash = w.indexOf('-');
        return QuietHours.builder().window(LocalTime.parse(w.substring(0, dash)), LocalTime.parse(w.substring(dash + 1)))
                .floridaRule().build();
    }

    /** Every key with its value and origin; secrets masked. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ConsentKitConfig[");
        String sep = "";
        for (ConfigKey k : ConfigKeys.ALL) {
            if (!values.containsKey(k.name())) {
                continue;
            }
            String v = values.get(k.name());
            sb.append(sep).append(k.name()).append('=').append(k.secret() ? Masking.secret(v) : v)
                    .append(" (").append(origin(k)).append(')');
            sep = ", ";
        }
        return sb.append(']').toString();
    }

    private static void requireKind(ConfigKey key, ConfigKey.Kind kind) {
        if (key.kind() != kind) {
            throw new IllegalArgumentException(key.name() + " is a " + key.kind() + " key, not " + kind);
        }
    }

    /**
     * Collects the sources of one configuration; {@link #load()} resolves them by precedence
     * (override &gt; environment &gt; file &gt; default), whatever order they were added in. Not thread-safe.
     */
    public static final class Loader {
        private final Map<String, String[]> file = new LinkedHashMap<>();
        private final Map<String, String[]> env = new LinkedHashMap<>();
        private final Map<String, String[]> overrides = new LinkedHashMap<>();

        private Loader() {
        }

        /**
         * Reads a {@code .properties} file (UTF-8). Keys outside {@code consentkit.} are ignored.
         *
         * @throws InvalidInputException if the file is not {@code .properties} (YAML is read by the CLI
         *                               and by Spring: flatten it and use {@link #values}), cannot be read,
         *                               or holds an unknown key, a bad value or a secret
         */
        public Loader file(Path path) {
            Objects.requireNonNull(path, "path");
            String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!name.endsWith(".properties")) {
                throw new InvalidInputException("config", "'" + Masking.printable(path.toString())
                        + "': consent-core reads .properties files; YAML is read by the consent command and by Spring");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new InvalidInputException("config", "cannot read '" + Masking.printable(path.toString()) + "': "
                        + e.getMessage());
            }
            Map<String, String> flat = new LinkedHashMap<>();
            p.stringPropertyNames().stream().sorted().forEach(k -> flat.put(k, p.getProperty(k)));
            return values(flat, path.toString());
        }

        /**
         * Keys of a configuration file that another reader flattened to dotted names (YAML through the
         * CLI, say). Keys outside {@code consentkit.} are ignored; {@code origin} names the file in messages.
         *
         * @throws InvalidInputException for an unknown {@code consentkit.} key, a bad value or a secret
         */
        public Loader values(Map<String, String> flat, String origin) {
            return add(flat, origin, false);
        }

        /**
         * Keys a framework already resolved from its own sources (the Spring Boot starter passes what
         * Spring bound): like {@link #values}, but secrets are accepted, because the framework decides
         * where they may come from. They rank as file values.
         *
         * @throws InvalidInputException for an unknown {@code consentkit.} key or a bad value
         */
        public Loader resolvedValues(Map<String, String> flat, String origin) {
            return add(flat, origin, true);
        }

        private Loader add(Map<String, String> flat, String origin, boolean secretsAllowed) {
            Objects.requireNonNull(flat, "flat");
            Objects.requireNonNull(origin, "origin");
            flat.forEach((k, v) -> {
                if (!k.startsWith("consentkit.")) {
                    return;
                }
                ConfigKey key = ConfigKeys.find(k).orElseThrow(() -> new InvalidInputException(
                        Masking.printable(k) + " (from " + origin + ")", "is not a ConsentKit key (see docs/configuration.md)"));
                if (key.secret() && !secretsAllowed) {
                    throw new InvalidInputException(k + " (from " + origin + ")", "is a secret: set the environment variable "
                            + key.environmentVariable() + ", or name a file holding it with "
                            + ConfigKeys.TWILIO_AUTH_TOKEN_FILE.name() + "; never put it in a configuration file");
                }
                file.put(k, new String[] {key.check(v, origin), origin});
            });
            return this;
        }

        /**
         * Environment variables, e.g. {@code System.getenv()}: each key's {@link ConfigKey#environmentVariable()}
         * ({@code CONSENTKIT_TWILIO_ACCOUNTSID}), or the same with an underscore for each dash
         * ({@code CONSENTKIT_TWILIO_ACCOUNT_SID}). Other variables are ignored.
         *
         * @throws InvalidInputException for a bad value
         */
        public Loader environment(Map<String, String> variables) {
            Objects.requireNonNull(variables, "variables");
            for (ConfigKey key : ConfigKeys.ALL) {
                String underscored = key.name().replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
                for (String var : new String[] {key.environmentVariable(), underscored}) {
                    String v = variables.get(var);
                    if (v != null && !v.isBlank()) {
                        env.put(key.name(), new String[] {key.check(v, "environment " + var), "environment " + var});
                        break;
                    }
                }
            }
            return this;
        }

        /**
         * An explicit value that wins over every other source (the CLI's flags). A secret cannot be set
         * this way.
         *
         * @throws InvalidInputException for a bad value or a secret
         */
        public Loader override(ConfigKey key, String value) {
            Objects.requireNonNull(key, "key");
            if (key.secret()) {
                throw new InvalidInputException(key.name(), "is a secret: set " + key.environmentVariable()
                        + " in the environment or use " + ConfigKeys.TWILIO_AUTH_TOKEN_FILE.name());
            }
            overrides.put(key.name(), new String[] {key.check(value, "override"), "override"});
            return this;
        }

        /**
         * Resolves every key by precedence and reads the Auth Token file if one is named.
         *
         * @throws InvalidInputException if the Auth Token file cannot be read or is empty
         */
        public ConsentKitConfig load() {
            Map<String, String> values = new LinkedHashMap<>();
            Map<String, String> origins = new LinkedHashMap<>();
            for (Map<String, String[]> source : java.util.List.of(file, env, overrides)) {
                source.forEach((k, vo) -> {
                    if (!vo[0].isEmpty()) {
                        values.put(k, vo[0]);
                        origins.put(k, vo[1]);
                    }
                });
            }
            String tokenFile = values.get(ConfigKeys.TWILIO_AUTH_TOKEN_FILE.name());
            if (!values.containsKey(ConfigKeys.TWILIO_AUTH_TOKEN.name()) && tokenFile != null) {
                values.put(ConfigKeys.TWILIO_AUTH_TOKEN.name(), readSecret(Path.of(tokenFile)));
                origins.put(ConfigKeys.TWILIO_AUTH_TOKEN.name(), "file " + tokenFile);
            }
            return new ConsentKitConfig(values, origins);
        }

        private static String readSecret(Path file) {
            String field = ConfigKeys.TWILIO_AUTH_TOKEN_FILE.name();
            try {
                String s = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (s.isEmpty()) {
                    throw new InvalidInputException(field, "'" + Masking.printable(file.toString()) + "' is empty");
                }
                return s;
            } catch (IOException e) {
                throw new InvalidInputException(field, "cannot read '" + Masking.printable(file.toString()) + "': "
                        + e.getClass().getSimpleName());
            }
        }
    }
}
