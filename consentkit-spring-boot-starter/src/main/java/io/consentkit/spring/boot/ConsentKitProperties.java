package io.consentkit.spring.boot;

import io.consentkit.config.ConfigKeys;
import io.consentkit.config.StoreType;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code consentkit.*} keys as Spring binds them (application.yml, environment variables such as
 * {@code CONSENTKIT_BRAND}, command-line arguments...). The keys, their defaults and their meaning are
 * ConsentKit's one vocabulary ({@link ConfigKeys}, docs/configuration.md); a test checks that the
 * metadata generated from this class names exactly those keys with the same defaults.
 * {@link #toKeys()} hands them to {@link io.consentkit.config.ConsentKitConfig}, which checks every value.
 * Mutable, as Spring's binding needs; not thread-safe (read once at start).
 */
@ConfigurationProperties(prefix = "consentkit")
public class ConsentKitProperties {
    /** Brand named in the standardized consent texts (written into every consent row: set it). */
    private String brand = "Our Business";
    /** Region assumed for phone numbers without a country code. */
    private String defaultRegion = "US";
    private final Store store = new Store();
    private final Twilio twilio = new Twilio();
    private final Webhooks webhooks = new Webhooks();
    private final Sender sender = new Sender();
    @NestedConfigurationProperty
    private final ConsoleProperties console = new ConsoleProperties();
    @NestedConfigurationProperty
    private final OptinProperties optin = new OptinProperties();
    @NestedConfigurationProperty
    private final RetentionProperties retention = new RetentionProperties();
    @NestedConfigurationProperty
    private final ErasureProperties erasure = new ErasureProperties();

    public String getBrand() {
        return brand;
    }

    public void setBrand(String brand) {
        this.brand = brand;
    }

    public String getDefaultRegion() {
        return defaultRegion;
    }

    public void setDefaultRegion(String defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    public Store getStore() {
        return store;
    }

    public Twilio getTwilio() {
        return twilio;
    }

    public Webhooks getWebhooks() {
        return webhooks;
    }

    public Sender getSender() {
        return sender;
    }

    public ConsoleProperties getConsole() {
        return console;
    }

    public OptinProperties getOptin() {
        return optin;
    }

    public RetentionProperties getRetention() {
        return retention;
    }

    public ErasureProperties getErasure() {
        return erasure;
    }

    /** Every key with its bound value, as dotted names (unset ones empty). */
    public Map<String, String> toKeys() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ConfigKeys.BRAND.name(), text(brand));
        m.put(ConfigKeys.DEFAULT_REGION.name(), text(defaultRegion));
        m.put(ConfigKeys.STORE_TYPE.name(), store.type == null ? "" : store.type.configName());
        m.put(ConfigKeys.STORE_CSV_PATH.name(), text(store.csv.path));
        m.put(ConfigKeys.STORE_S3_BUCKET.name(), text(store.s3.bucket));
        m.put(ConfigKeys.STORE_S3_PREFIX.name(), text(store.s3.prefix));
        m.put(ConfigKeys.STORE_S3_VISIBILITY_BOUND.name(), text(store.s3.visibilityBound));
        m.put(ConfigKeys.STORE_JDBC_TABLE_PREFIX.name(), text(store.jdbc.tablePrefix));
        m.put(ConfigKeys.STORE_JDBC_CREATE_SCHEMA.name(), Boolean.toString(store.jdbc.createSchema));
        m.put(ConfigKeys.STORE_JDBC_VISIBILITY_BOUND.name(), text(store.jdbc.visibilityBound));
        m.put(ConfigKeys.TWILIO_ACCOUNT_SID.name(), text(twilio.accountSid));
        m.put(ConfigKeys.TWILIO_AUTH_TOKEN.name(), text(twilio.authToken));
        m.put(ConfigKeys.TWILIO_AUTH_TOKEN_FILE.name(), text(twilio.authTokenFile));
        m.put(ConfigKeys.TWILIO_FROM.name(), text(twilio.from));
        m.put(ConfigKeys.TWILIO_MESSAGING_SERVICE_SID.name(), text(twilio.messagingServiceSid));
        m.put(ConfigKeys.TWILIO_PUBLIC_URL.name(), text(twilio.publicUrl));
        m.put(ConfigKeys.WEBHOOKS_PATH.name(), text(webhooks.path));
        m.put(ConfigKeys.WEBHOOKS_ENABLED.name(), Boolean.toString(webhooks.enabled));
        m.put(ConfigKeys.SENDER_DRY_RUN.name(), Boolean.toString(sender.dryRun));
        m.put(ConfigKeys.SENDER_COOLDOWN.name(), text(sender.cooldown));
        m.put(ConfigKeys.SENDER_RECIPIENT_HOURLY_CAP.name(), Integer.toString(sender.recipientHourlyCap));
        m.put(ConfigKeys.SENDER_RECIPIENT_DAILY_CAP.name(), Integer.toString(sender.recipientDailyCap));
        m.put(ConfigKeys.SENDER_GLOBAL_DAILY_CAP.name(), Long.toString(sender.globalDailyCap));
        m.put(ConfigKeys.SENDER_DAILY_CAP_ALERT_AT.name(), Double.toString(sender.dailyCapAlertAt));
        m.put(ConfigKeys.SENDER_SEGMENTS_PER_SECOND.name(), Integer.toString(sender.segmentsPerSecond));
        m.put(ConfigKeys.SENDER_ZONE.name(), text(sender.zone));
        m.put(ConfigKeys.SENDER_QUIET_HOURS_ENABLED.name(), Boolean.toString(sender.quietHours.enabled));
        m.put(ConfigKeys.SENDER_QUIET_HOURS_WINDOW.name(), text(sender.quietHours.window));
        m.put(ConfigKeys.RETENTION_KEEP.name(), text(retention.getKeep()));
        m.put(ConfigKeys.RETENTION_PROGRAMS.name(), text(retention.getPrograms()));
        m.put(ConfigKeys.ERASURE_KEY_FILE.name(), text(erasure.getKeyFile()));
        m.put(ConfigKeys.CONSOLE_ENABLED.name(), Boolean.toString(console.isEnabled()));
        m.put(ConfigKeys.CONSOLE_USER.name(), text(console.getUser()));
        m.put(ConfigKeys.CONSOLE_PASSWORD.name(), text(console.getPassword()));
        m.put(ConfigKeys.CONSOLE_PASSWORD_HASH.name(), text(console.getPasswordHash()));
        m.put(ConfigKeys.CONSOLE_SECURE_COOKIES.name(), Boolean.toString(console.isSecureCookies()));
        m.put(ConfigKeys.OPTIN_PATH.name(), text(optin.getPath()));
        m.put(ConfigKeys.OPTIN_TERMS_URL.name(), text(optin.getTermsUrl()));
        m.put(ConfigKeys.OPTIN_PRIVACY_URL.name(), text(optin.getPrivacyUrl()));
        m.put(ConfigKeys.OPTIN_FREQUENCY.name(), text(optin.getFrequency()));
        m.put(ConfigKeys.OPTIN_LABEL.name(), text(optin.getLabel()));
        m.put(ConfigKeys.OPTIN_SNAPSHOT_DIR.name(), text(optin.getSnapshotDir()));
        return m;
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString();
    }

    /** Never shows the Auth Token. */
    @Override
    public String toString() {
        return "ConsentKitProperties[brand=" + brand + ", store=" + store.type + ", twilio.authToken="
                + (twilio.authToken == null || twilio.authToken.isEmpty() ? "unset" : "<redacted>") + "]";
    }

    /** {@code consentkit.store.*}. */
    public static class Store {
        /** Where the consent journal lives: csv, s3, jdbc or memory. */
        private StoreType type = StoreType.CSV;
        private final Csv csv = new Csv();
        private final S3 s3 = new S3();
        private final Jdbc jdbc = new Jdbc();

        public StoreType getType() {
            return type;
        }

        public void setType(StoreType type) {
            this.type = type;
        }

        public Csv getCsv() {
            return csv;
        }

        public S3 getS3() {
            return s3;
        }

        public Jdbc getJdbc() {
            return jdbc;
        }
    }

    /** {@code consentkit.store.csv.*}. */
    public static class Csv {
        /** The CSV journal file (store type csv); created if missing. */
        private String path = "consent-data/consents.csv";

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }
    }

    /** {@code consentkit.store.s3.*}. */
    public static class S3 {
        /** S3 bucket of the journal (store type s3; required there). */
        private String bucket;
        /** Key prefix of the journal's objects in the bucket. */
        private String prefix = "consentkit";
        /** Other machines' writes are seen within this bound. */
        private Duration visibilityBound = Duration.ofSeconds(5);

        public String getBucket() {
            return bucket;
        }

        public void setBucket(String bucket) {
            this.bucket = bucket;
        }

        public String getPrefix() {
            return prefix;
        }

        public void setPrefix(String prefix) {
            this.prefix = prefix;
        }

        public Duration getVisibilityBound() {
            return visibilityBound;
        }

        public void setVisibilityBound(Duration visibilityBound) {
            this.visibilityBound = visibilityBound;
        }
    }

    /** {@code consentkit.store.jdbc.*}: the store runs over the app's {@code DataSource}. */
    public static class Jdbc {
        /** Prefix of the JDBC store's tables (store type jdbc, over the app's DataSource). */
        private String tablePrefix = "consentkit_";
        /** Create the JDBC store's tables when missing. */
        private boolean createSchema = true;
        /** Other processes' writes are seen within this bound. */
        private Duration visibilityBound = Duration.ofSeconds(2);

        public String getTablePrefix() {
            return tablePrefix;
        }

        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }

        public boolean isCreateSchema() {
            return createSchema;
        }

        public void setCreateSchema(boolean createSchema) {
            this.createSchema = createSchema;
        }

        public Duration getVisibilityBound() {
            return visibilityBound;
        }

        public void setVisibilityBound(Duration visibilityBound) {
            this.visibilityBound = visibilityBound;
        }
    }

    /** {@code consentkit.twilio.*}. */
    public static class Twilio {
        /** Twilio Account SID (AC...); with the Auth Token it turns on the Twilio gateway and the webhooks. */
        private String accountSid;
        /** Twilio Auth Token: a secret, from the environment only (or auth-token-file); never echoed. */
        private String authToken;
        /** File whose content is the Auth Token (e.g. a mounted secret). */
        private String authTokenFile;
        /** Default sender: E.164 number, short code or alphanumeric id (or set messaging-service-sid). */
        private String from;
        /** Messaging Service SID (MG...): Twilio picks the sender. */
        private String messagingServiceSid;
        /** Base URL Twilio calls (behind a proxy or tunnel); signatures are checked over it. */
        private String publicUrl;

        public String getAccountSid() {
            return accountSid;
        }

        public void setAccountSid(String accountSid) {
            this.accountSid = accountSid;
        }

        public String getAuthToken() {
            return authToken;
        }

        public void setAuthToken(String authToken) {
            this.authToken = authToken;
        }

        public String getAuthTokenFile() {
            return authTokenFile;
        }

        public void setAuthTokenFile(String authTokenFile) {
            this.authTokenFile = authTokenFile;
        }

        public String getFrom() {
            return from;
        }

        public void setFrom(String from) {
            this.from = from;
        }

        public String getMessagingServiceSid() {
            return messagingServiceSid;
        }

        public void setMessagingServiceSid(String messagingServiceSid) {
            this.messagingServiceSid = messagingServiceSid;
        }

        public String getPublicUrl() {
            return publicUrl;
        }

        public void setPublicUrl(String publicUrl) {
            this.publicUrl = publicUrl;
        }
    }

    /** {@code consentkit.webhooks.*}. */
    public static class Webhooks {
        /** Path prefix under which the inbound, status and debugger webhooks are mounted. */
        private String path = "/twilio";
        /** Mount the webhooks (when the Auth Token is set). */
        private boolean enabled = true;

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** {@code consentkit.sender.*}: the guarded sender's guards. */
    public static class Sender {
        /** Evaluate and log every guard, never call the gateway. */
        private boolean dryRun = false;
        /** Minimum time between two messages to one recipient; 0 for none. */
        private Duration cooldown = Duration.ZERO;
        /** Most messages to one recipient in any 60 minutes; 0 for no cap. */
        private int recipientHourlyCap = 0;
        /** Most messages to one recipient per day; 0 for no cap. */
        private int recipientDailyCap = 0;
        /** Most messages in all per day; 0 for no cap. */
        private long globalDailyCap = 0;
        /** Fraction of the global daily cap at which listeners are alerted. */
        private double dailyCapAlertAt = 0.9;
        /** Most segments sent per second; 0 for no limit. */
        private int segmentsPerSecond = 0;
        /** Zone whose midnight resets the daily caps; default the clock's (UTC). */
        private String zone;
        private final QuietHours quietHours = new QuietHours();

        public boolean isDryRun() {
            return dryRun;
        }

        public void setDryRun(boolean dryRun) {
            this.dryRun = dryRun;
        }

        public Duration getCooldown() {
            return cooldown;
        }

        public void setCooldown(Duration cooldown) {
            this.cooldown = cooldown;
        }

        public int getRecipientHourlyCap() {
            return recipientHourlyCap;
        }

        public void setRecipientHourlyCap(int recipientHourlyCap) {
            this.recipientHourlyCap = recipientHourlyCap;
        }

        public int getRecipientDailyCap() {
            return recipientDailyCap;
        }

        public void setRecipientDailyCap(int recipientDailyCap) {
            this.recipientDailyCap = recipientDailyCap;
        }

        public long getGlobalDailyCap() {
            return globalDailyCap;
        }

        public void setGlobalDailyCap(long globalDailyCap) {
            this.globalDailyCap = globalDailyCap;
        }

        public double getDailyCapAlertAt() {
            return dailyCapAlertAt;
        }

        public void setDailyCapAlertAt(double dailyCapAlertAt) {
            this.dailyCapAlertAt = dailyCapAlertAt;
        }

        public int getSegmentsPerSecond() {
            return segmentsPerSecond;
        }

        public void setSegmentsPerSecond(int segmentsPerSecond) {
            this.segmentsPerSecond = segmentsPerSecond;
        }

        public String getZone() {
            return zone;
        }

        public void setZone(String zone) {
            this.zone = zone;
        }

        public QuietHours getQuietHours() {
            return quietHours;
        }
    }

    /** {@code consentkit.sender.quiet-hours.*}. */
    public static class QuietHours {
        /** Defer messages outside the allowed window in the recipient's local time. */
        private boolean enabled = true;
        /** Allowed sending window, recipient's local time (Florida numbers end at 20:00). */
        private String window = "08:00-21:00";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getWindow() {
            return window;
        }

        public void setWindow(String window) {
            this.window = window;
        }
    }


}
