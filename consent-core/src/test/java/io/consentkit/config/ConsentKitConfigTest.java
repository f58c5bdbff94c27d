package io.consentkit.config;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsentKitConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsComeFromTheKeyTable() {
        ConsentKitConfig c = ConsentKitConfig.defaults();
        assertThat(c.brand()).isEqualTo("Our Business");
        assertThat(c.storeType()).isEqualTo(StoreType.CSV);
        assertThat(c.csvPath()).isEqualTo(Path.of("consent-data/consents.csv"));
        assertThat(c.origin(ConfigKeys.BRAND)).isEqualTo("default");
        assertThat(c.twilioConfigured()).isFalse();
    }

    @Test
    void overrideBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        Path file = dir.resolve("consentkit.properties");
        Files.writeString(file, "consentkit.brand=From File\nconsentkit.store.type=memory\n"
                + "consentkit.sender.global-daily-cap=500\nother.key=ignored\n");
        Map<String, String> env = Map.of("CONSENTKIT_BRAND", "From Env", "CONSENTKIT_SENDER_GLOBALDAILYCAP", "700");

        ConsentKitConfig fileOnly = ConsentKitConfig.loader().file(file).load();
        assertThat(fileOnly.brand()).isEqualTo("From File");
        assertThat(fileOnly.origin(ConfigKeys.BRAND)).isEqualTo(file.toString());

        ConsentKitConfig withEnv = ConsentKitConfig.loader().environment(env).file(file).load();
        assertThat(withEnv.brand()).isEqualTo("From Env");
        assertThat(withEnv.origin(ConfigKeys.BRAND)).isEqualTo("environment CONSENTKIT_BRAND");
        assertThat(withEnv.count(ConfigKeys.SENDER_GLOBAL_DAILY_CAP)).isEqualTo(700);
        assertThat(withEnv.storeType()).isEqualTo(StoreType.MEMORY);

        ConsentKitConfig all = ConsentKitConfig.loader().override(ConfigKeys.BRAND, "From Flag").environment(env)
                .file(file).load();
        assertThat(all.brand()).isEqualTo("From Flag");
        assertThat(all.origin(ConfigKeys.BRAND)).isEqualTo("override");
    }

    @Test
    void environmentNamesFollowSpringRelaxedBindingAndAlsoTakeUnderscoresForDashes() {
        assertThat(ConfigKeys.TWILIO_ACCOUNT_SID.environmentVariable()).isEqualTo("CONSENTKIT_TWILIO_ACCOUNTSID");
        assertThat(ConsentKitConfig.loader().environment(Map.of("CONSENTKIT_TWILIO_ACCOUNTSID", "AC1")).load()
                .value(ConfigKeys.TWILIO_ACCOUNT_SID)).isEqualTo("AC1");
        assertThat(ConsentKitConfig.loader().environment(Map.of("CONSENTKIT_SENDER_QUIET_HOURS_ENABLED", "false")).load()
                .quietHours().enabled()).isFalse();
    }

    @Test
    void environmentVariableNamesAreUnique() {
        Set<String> names = new HashSet<>();
        for (ConfigKey k : ConfigKeys.ALL) {
            assertThat(names.add(k.environmentVariable())).as(k.name()).isTrue();
        }
    }

    @Test
    void aBadValueNamesTheKeyAndWhereItCameFrom() {
        assertThatThrownBy(() -> ConsentKitConfig.loader()
                .environment(Map.of("CONSENTKIT_SENDER_GLOBALDAILYCAP", "lots")).load())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("consentkit.sender.global-daily-cap (from environment CONSENTKIT_SENDER_GLOBALDAILYCAP)")
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> ConsentKitConfig.loader().values(Map.of("consentkit.store.type", "ftp"), "app.yml"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("csv, s3, jdbc or memory");
        assertThatThrownBy(() -> ConsentKitConfig.loader().values(Map.of("consentkit.sender.quiet-hours.window", "21:00-08:00"), "f"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("start before it ends");
    }

    @Test
    void anUnknownKeyInAFileIsAnError() {
        assertThatThrownBy(() -> ConsentKitConfig.loader().values(Map.of("consentkit.brnad", "Typo"), "consentkit.yml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("consentkit.brnad (from consentkit.yml)").hasMessageContaining("not a ConsentKit key");
    }

    @Test
    void yamlFilesAreNotReadByCore() {
        assertThatThrownBy(() -> ConsentKitConfig.loader().file(dir.resolve("consentkit.yml")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(".properties");
    }

    @Test
    void theAuthTokenIsTakenFromTheEnvironmentOrItsFileNeverFromAConfigFileOrAFlag() throws Exception {
        String token = "0123456789abcdef0123456789abcdef";
        assertThatThrownBy(() -> ConsentKitConfig.loader().values(Map.of("consentkit.twilio.auth-token", token), "app.yml"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("is a secret")
                .hasMessageNotContaining(token);
        assertThatThrownBy(() -> ConsentKitConfig.loader().override(ConfigKeys.TWILIO_AUTH_TOKEN, token))
                .isInstanceOf(InvalidInputException.class).hasMessageNotContaining(token);

        ConsentKitConfig fromEnv = ConsentKitConfig.loader().environment(Map.of("CONSENTKIT_TWILIO_AUTHTOKEN", token,
                "CONSENTKIT_TWILIO_ACCOUNTSID", "AC0123")).load();
        assertThat(fromEnv.twilioAuthToken()).contains(token);
        assertThat(fromEnv.twilioConfigured()).isTrue();

        Path secret = dir.resolve("token");
        Files.writeString(secret, token + "\n");
        ConsentKitConfig fromFile = ConsentKitConfig.loader()
                .values(Map.of("consentkit.twilio.auth-token-file", secret.toString()), "app.yml").load();
        assertThat(fromFile.twilioAuthToken()).contains(token);
        assertThat(fromFile.origin(ConfigKeys.TWILIO_AUTH_TOKEN)).isEqualTo("file " + secret);
    }

    @Test
    void toStringMasksSecrets() {
        String token = "0123456789abcdef0123456789abcdef";
        ConsentKitConfig c = ConsentKitConfig.loader().environment(Map.of("CONSENTKIT_TWILIO_AUTHTOKEN", token,
                "CONSENTKIT_BRAND", "Basin Climbing")).load();
        assertThat(c.toString()).contains("consentkit.brand=Basin Climbing").contains("consentkit.twilio.auth-token=")
                .doesNotContain(token).doesNotContain(token.substring(0, 8));
    }

    @Test
    void durationsTakeSpringsFormsAndIso() {
        for (String v : new String[] {"90s", "PT1M30S", "90000", "90000ms"}) {
            assertThat(ConsentKitConfig.loader().values(Map.of("consentkit.sender.cooldown", v), "t").load()
                    .duration(ConfigKeys.SENDER_COOLDOWN)).as(v).isEqualTo(Duration.ofSeconds(90));
        }
    }

    @Test
    void appliesTheBrandToTheTrackerAndTheSenderSettingsToTheSender() {
        ConsentKitConfig c = ConsentKitConfig.loader().values(Map.of("consentkit.brand", "Chore Chart",
                "consentkit.sender.global-daily-cap", "1", "consentkit.sender.quiet-hours.enabled", "false"), "t").load();
        SettableClock clock = SettableClock.at(Instant.parse("2026-03-02T15:00:00Z"));
        try (ConsentTracker tracker = c.applyTo(ConsentTracker.builder(new InMemoryConsentStore()).clock(clock)).build()) {
            assertThat(tracker.recordInPersonConsent("+15125550100", "", "Ann", "desk", "home").consentMessage())
                    .contains("Chore Chart");
            FakeSmsGateway gateway = FakeSmsGateway.create();
            GuardedSender sender = c.applyTo(GuardedSender.builder(tracker, gateway)).build();
            assertThat(sender.send(OutboundMessage.transactional("+15125550100", "trash day"))).isInstanceOf(SendOutcome.Sent.class);
            assertThat(sender.send(OutboundMessage.transactional("+15125550100", "again")))
                    .isInstanceOf(SendOutcome.Deferred.class); // the global daily cap of 1 came from the config
            assertThat(gateway.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void loadsAndAppliesAsTheDocsShow() throws Exception {
        Files.writeString(dir.resolve("consentkit.properties"), "consentkit.brand=Basin Climbing\n"
                + "consentkit.store.csv.path=" + dir.resolve("consents.csv").toString().replace("\\", "/") + "\n");
        // snippet: config-load
        ConsentKitConfig config = ConsentKitConfig.loader()
                .file(dir.resolve("consentkit.properties")) // below the environment
                .environment(System.getenv())               // CONSENTKIT_BRAND, CONSENTKIT_STORE_CSV_PATH...
                .load();
        ConsentTracker tracker = config.applyTo(ConsentTracker.builder(CsvConsentStore.open(config.csvPath()))).build();
        // end snippet
        try (tracker) {
            assertThat(tracker.texts().brand()).isEqualTo(System.getenv().getOrDefault("CONSENTKIT_BRAND", "Basin Climbing"));
        }
    }
}
