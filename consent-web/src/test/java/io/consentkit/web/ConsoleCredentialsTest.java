package io.consentkit.web;

import io.consentkit.InvalidInputException;
import io.consentkit.config.ConsentKitConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleCredentialsTest {
    static final char[] PASSWORD = "correct horse battery".toCharArray();

    @Test
    void aHashRoundTripsAndOnlyTheRightUserAndPasswordMatch() {
        String encoded = ConsoleCredentials.hash(PASSWORD, 20_000);
        assertThat(encoded).startsWith("pbkdf2-sha256$20000$");
        ConsoleCredentials c = ConsoleCredentials.hashed("maria", encoded);
        assertThat(c.matches("maria", PASSWORD)).isTrue();
        assertThat(c.matches("maria", "correct horse battery!".toCharArray())).isFalse();
        assertThat(c.matches("mario", PASSWORD)).isFalse();
        assertThat(c.matches(null, PASSWORD)).isFalse();
        assertThat(c.toString()).doesNotContain(encoded.substring(encoded.lastIndexOf('$') + 1));
        assertThat(ConsoleCredentials.hash(PASSWORD, 20_000)).as("fresh salt").isNotEqualTo(encoded);
    }

    @Test
    void badHashesAndShortPasswordsAreRefusedNamingTheKey() {
        for (String bad : new String[] {"plain", "pbkdf2-sha256$x$AAAA$AAAA", "pbkdf2-sha256$5$AAAAAAAAAAA=$AAAA",
                "md5$20000$AAAAAAAAAAA=$AAAA", "pbkdf2-sha256$20000$AAAAAAAAAAA=$AAAA"}) {
            assertThatThrownBy(() -> ConsoleCredentials.hashed("maria", bad)).isInstanceOf(InvalidInputException.class)
                    .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("consentkit.console.password-hash");
        }
        assertThatThrownBy(() -> ConsoleCredentials.password("maria", "short".toCharArray()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("consentkit.console.password");
        assertThatThrownBy(() -> ConsoleCredentials.password(" ", PASSWORD)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("consentkit.console.user");
    }

    @Test
    void fromConfigTakesTheEnvironmentPasswordOrTheHashAndIsEmptyWithNeither() {
        assertThat(ConsoleCredentials.fromConfig(ConsentKitConfig.defaults())).isEmpty();

        ConsentKitConfig env = ConsentKitConfig.loader()
                .environment(Map.of("CONSENTKIT_CONSOLE_PASSWORD", "from the environment", "CONSENTKIT_CONSOLE_USER", "desk"))
                .load();
        ConsoleCredentials fromEnv = ConsoleCredentials.fromConfig(env).orElseThrow();
        assertThat(fromEnv.user()).isEqualTo("desk");
        assertThat(fromEnv.matches("desk", "from the environment".toCharArray())).isTrue();

        String hash = ConsoleCredentials.hash(PASSWORD, 20_000);
        ConsentKitConfig file = ConsentKitConfig.loader()
                .values(Map.of("consentkit.console.password-hash", hash), "consentkit.yml").load();
        assertThat(ConsoleCredentials.fromConfig(file).orElseThrow().matches("operator", PASSWORD)).isTrue();

        assertThatThrownBy(() -> ConsentKitConfig.loader()
                .values(Map.of("consentkit.console.password", "in a file is refused"), "consentkit.yml").load())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("CONSENTKIT_CONSOLE_PASSWORD");
    }
}
