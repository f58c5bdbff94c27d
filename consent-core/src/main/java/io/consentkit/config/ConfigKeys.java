package io.consentkit.config;

import io.consentkit.config.ConfigKey.Kind;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key ConsentKit reads, in the order of the table in docs/configuration.md (which
 * the build generates from {@link #ALL} and checks). The CLI and the Spring Boot starter read no key
 * that is not here; the starter's {@code @ConfigurationProperties} are checked against this list too.
 */
public final class ConfigKeys {
    private static final String ALL_USERS = "cli, spring";
    private static final Map<String, ConfigKey> BY_NAME = new LinkedHashMap<>();

    /** The brand in the standardized consent texts. */
    public static final ConfigKey BRAND = key("consentkit.brand", Kind.TEXT, "Our Business", false, ALL_USERS,
            "Brand named in the standardized consent texts (written into every consent row: set it)");
    /** Region for numbers written without a country code. */
    public static final ConfigKey DEFAULT_REGION = key("consentkit.default-region", Kind.REGION, "US", false, "spring",
            "Region assumed for phone numbers without a country code");
    /** Which store holds the journal. */
    public static final ConfigKey STORE_TYPE = key("consentkit.store.type", Kind.STORE_TYPE, "csv", false, ALL_USERS,
            "Where the consent journal lives: csv, s3, jdbc or memory");
    /** The CSV journal file. */
    public static final ConfigKey STORE_CSV_PATH = key("consentkit.store.csv.path", Kind.PATH,
            "consent-data/consents.csv", false, ALL_USERS, "The CSV journal file (store type csv); created if missing");
    /** The S3 bucket. */
    public static final ConfigKey STORE_S3_BUCKET = key("consentkit.store.s3.bucket", Kind.TEXT, "", false, "spring",
            "S3 bucket of the journal (store type s3; required there)");
    /** The S3 key prefix. */
    public static final ConfigKey STORE_S3_PREFIX = key("consentkit.store.s3.prefix", Kind.TEXT, "consentkit", false,
            "spring", "Key prefix of the journal's objects in the bucket");
    /** How stale an S3 read may be. */
    public static final ConfigKey STORE_S3_VISIBILITY_BOUND = key("consentkit.store.s3.visibility-bound", Kind.DURATION,
            "PT5S", false, "spring", "Other machines' writes are seen within this bound");
    /** Table prefix of the JDBC store. */
    public static final ConfigKey STORE_JDBC_TABLE_PREFIX = key("consentkit.store.jdbc.table-prefix", Kind.TEXT,
            "consentkit_", false, "spring", "Prefix of the JDBC store's tables (store type jdbc, over the app's DataSource)");
    /** Whether the JDBC store creates its tables. */
    public static final ConfigKey STORE_JDBC_CREATE_SCHEMA = key("consentkit.store.jdbc.create-schema", Kind.BOOLEAN,
            "true", false, "spring", "Create the JDBC store's tables when missing");
    /** How stale a JDBC read may be. */
    public static final ConfigKey STORE_JDBC_VISIBILITY_BOUND = key("consentkit.store.jdbc.visibility-bound",
            Kind.DURATION, "PT2S", false, "spring", "Other processes' writes are seen within this bound");
    /** The Twilio Account SID. */
    public static final ConfigKey TWILIO_ACCOUNT_SID = key("consentkit.twilio.account-sid", Kind.TEXT, "", false,
            "spring", "Twilio Account SID (AC...); with the Auth Token it turns on the Twilio gateway and the webhooks");
    /** The Twilio Auth Token (secret). */
    public static final ConfigKey TWILIO_AUTH_TOKEN = key("consentkit.twilio.auth-token", Kind.TEXT, "", true,
            "spring", "Twilio Auth Token: a secret, from the environment only (or auth-token-file); never echoed");
    /** A file holding the Twilio Auth Token. */
    public static final ConfigKey TWILIO_AUTH_TOKEN_FILE = key("consentkit.twilio.auth-token-file", Kind.PATH, "",
            false, "spring", "File whose content is the Auth Token (e.g. a mounted secret)");
    /** The default sender. */
    public static final ConfigKey TWILIO_FROM = key("consentkit.twilio.from", Kind.TEXT, "", false, "spring",
            "Default sender: E.164 number, short code or alphanumeric id (or set messaging-service-sid)");
    /** A Messaging Service SID. */
    public static final ConfigKey TWILIO_MESSAGING_SERVICE_SID = key("consentkit.twilio.messaging-service-sid",
            Kind.TEXT, "", false, "spring", "Messaging Service SID (MG...): Twilio picks the sender");
    /** The public base URL Twilio calls. */
    public static final ConfigKey TWILIO_PUBLIC_URL = key("consentkit.twilio.public-url", Kind.URL, "", false,
            "spring", "Base URL Twilio calls (behind a proxy or tunnel); signatures are checked over it");
    /** Where the webhook servlets are mounted. */
    public static final ConfigKey WEBHOOKS_PATH = key("consentkit.webhooks.path", Kind.TEXT, "/twilio", false,
            "spring", "Path prefix under which the inbound, status and debugger webhooks are mounted");
    /** Whether the webhook servlets are mounted. */
    public static final ConfigKey WEBHOOKS_ENABLED = key("consentkit.webhooks.enabled", Kind.BOOLEAN, "true", false,
            "spring", "Mount the webhooks (when the Auth Token is set)");
    /** Dry-run sending. */
    public static final ConfigKey SENDER_DRY_RUN = key("consentkit.sender.dry-run", Kind.BOOLEAN, "false", false,
            "spring", "Evaluate and log every guard, never call the gateway");
    /** Minimum time between two messages to one recipient. */
    public static final ConfigKey SENDER_COOLDOWN = key("consentkit.sender.cooldown", Kind.DURATION, "PT0S", false,
            "spring", "Minimum time between two messages to one recipient; 0 for none");
    /** Most messages to one recipient per hour. */
    public static final ConfigKey SENDER_RECIPIENT_HOURLY_CAP = key("consentkit.sender.recipient-hourly-cap",
            Kind.COUNT, "0", false, "spring", "Most messages to one recipient in any 60 minutes; 0 for no cap");
    /** Most messages to one recipient per day. */
    public static final ConfigKey SENDER_RECIPIENT_DAILY_CAP = key("consentkit.sender.recipient-daily-cap", Kind.COUNT,
            "0", false, "spring", "Most messages to one recipient per day; 0 for no cap");
    /** Most messages per day in all. */
    public static final ConfigKey SENDER_GLOBAL_DAILY_CAP = key("consentkit.sender.global-daily-cap", Kind.COUNT, "0",
            false, "spring", "Most messages in all per day; 0 for no cap");
    /** Alert fraction of the global daily cap. */
    public static final ConfigKey SENDER_DAILY_CAP_ALERT_AT = key("consentkit.sender.daily-cap-alert-at",
            Kind.FRACTION, "0.9", false, "spring", "Fraction of the global daily cap at which listeners are alerted");
    /** Global rate in segments per second. */
    public static final ConfigKey SENDER_SEGMENTS_PER_SECOND = key("consentkit.sender.segments-per-second", Kind.COUNT,
            "0", false, "spring", "Most segments sent per second; 0 for no limit");
    /** The zone whose midnight resets the daily caps. */
    public static final ConfigKey SENDER_ZONE = key("consentkit.sender.zone", Kind.ZONE, "", false, "spring",
            "Zone whose midnight resets the daily caps; default the clock's (UTC)");
    /** Quiet hours on or off. */
    public static final ConfigKey SENDER_QUIET_HOURS_ENABLED = key("consentkit.sender.quiet-hours.enabled",
            Kind.BOOLEAN, "true", false, "spring", "Defer messages outside the allowed window in the recipient's local time");
    /** The allowed window. */
    public static final ConfigKey SENDER_QUIET_HOURS_WINDOW = key("consentkit.sender.quiet-hours.window", Kind.WINDOW,
            "08:00-21:00", false, "spring", "Allowed sending window, recipient's local time (Florida numbers end at 20:00)");

    /** Whether {@code consent serve} mounts the web pages. */
    public static final ConfigKey CONSOLE_ENABLED = key("consentkit.console.enabled", Kind.BOOLEAN, "false", false,
            "cli", "Mount the web pages in consent serve: the opt-in page, the front desk and the operator console");
    /** The operator's login name. */
    public static final ConfigKey CONSOLE_USER = key("consentkit.console.user", Kind.TEXT, "operator", false, "cli",
            "Login name of the console's operator (recorded with every console action)");
    /** The operator's password (secret). */
    public static final ConfigKey CONSOLE_PASSWORD = key("consentkit.console.password", Kind.TEXT, "", true, "cli",
            "Console password: a secret, from the environment only; without it or password-hash there is no console");
    /** The operator's password as a PBKDF2 hash. */
    public static final ConfigKey CONSOLE_PASSWORD_HASH = key("consentkit.console.password-hash", Kind.TEXT, "", false,
            "cli", "Console password as pbkdf2-sha256$iterations$salt$hash (consent console-password prints one)");
    /** Whether session cookies are always marked Secure. */
    public static final ConfigKey CONSOLE_SECURE_COOKIES = key("consentkit.console.secure-cookies", Kind.BOOLEAN,
            "false", false, "cli", "Mark the console's session cookie Secure even on plain HTTP (behind a TLS proxy)");

    /** Where the starter mounts the opt-in page. */
    public static final ConfigKey OPTIN_PATH = key("consentkit.optin.path", Kind.TEXT, "", false, "spring",
            "Path of the public opt-in page (SMS double opt-in) in a servlet app; unset for none");
    /** The terms page the opt-in page links to. */
    public static final ConfigKey OPTIN_TERMS_URL = key("consentkit.optin.terms-url", Kind.URL, "", false, "spring",
            "Terms page the opt-in page links to (required with optin.path)");
    /** The privacy policy the opt-in page links to. */
    public static final ConfigKey OPTIN_PRIVACY_URL = key("consentkit.optin.privacy-url", Kind.URL, "", false, "spring",
            "Privacy policy the opt-in page links to (required with optin.path)");
    /** The message frequency the opt-in page shows. */
    public static final ConfigKey OPTIN_FREQUENCY = key("consentkit.optin.frequency", Kind.TEXT,
            "Message frequency varies.", false, "spring", "Message frequency the opt-in page shows, e.g. Up to 4 msgs per month.");
    /** What people sign up for. */
    public static final ConfigKey OPTIN_LABEL = key("consentkit.optin.label", Kind.TEXT, "", false, "spring",
            "What people sign up for, in words (default: the program's name and text messages)");
    /** Where the opt-in page's snapshots are kept. */
    public static final ConfigKey OPTIN_SNAPSHOT_DIR = key("consentkit.optin.snapshot-dir", Kind.PATH,
            "consent-data/page-snapshots", false, "spring", "Directory of the page snapshots whose SHA-256 each opt-in cites");

    /** Every key, in table order. */
    public static final List<ConfigKey> ALL = List.copyOf(BY_NAME.values());

    private ConfigKeys() {
    }

    /** The key named {@code name}, if there is one. */
    public static Optional<ConfigKey> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    private static ConfigKey key(String name, Kind kind, String def, boolean secret, String usedBy, String description) {
        ConfigKey k = new ConfigKey(name, kind, def, secret, usedBy, description);
        if (BY_NAME.putIfAbsent(name, k) != null) {
            throw new IllegalStateException("duplicate key " + name);
        }
        return k;
    }
}
