package io.consentkit.checks;

import io.consentkit.config.ConfigKey;
import io.consentkit.config.ConfigKeys;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/configuration.md's table of keys the code's {@link ConfigKeys#ALL}: the table is generated
 * from it ({@code -Dconsentkit.updateDocs=true} rewrites it), and every {@code consentkit.} key any
 * document names is a real key, so no page can mention a key that the code does not read.
 */
class ConfigurationDocsTest {
    /** The starter's meter names (ConsentKitMetrics), which share the prefix but are not keys. */
    static final java.util.Set<String> METERS = java.util.Set.of("consentkit.sends", "consentkit.consent.optins",
            "consentkit.consent.optouts", "consentkit.webhook.requests", "consentkit.store.append");

    static String table() {
        StringBuilder sb = new StringBuilder("| key | environment variable | default | read by | what it sets |\n"
                + "|---|---|---|---|---|\n");
        for (ConfigKey k : ConfigKeys.ALL) {
            sb.append("| `").append(k.name()).append("` | `").append(k.environmentVariable()).append("` | ")
                    .append(k.defaultValue().isEmpty() ? "(none)" : "`" + k.defaultValue() + "`").append(" | ")
                    .append(k.usedBy()).append(" | ").append(k.secret() ? "**secret** " : "")
                    .append(k.description().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    @Test
    void theTableIsTheCodesKeys() {
        Docs.checkGenerated(Docs.root().resolve("docs").resolve("configuration.md"), "config-keys", table());
    }

    @Test
    void everyKeyTheDocsNameExists() {
        Pattern key = Pattern.compile("`(consentkit\\.[a-z0-9.-]*[a-z0-9])`");
        List<String> unknown = new ArrayList<>();
        for (var doc : Docs.documents()) {
            Matcher m = key.matcher(String.join("\n", Docs.lines(doc)));
            while (m.find()) {
                String k = m.group(1);
                if (k.endsWith(".yml") || k.endsWith(".yaml") || k.endsWith(".properties") || METERS.contains(k)) {
                    continue; // a file name, not a key
                }
                boolean prefix = ConfigKeys.ALL.stream().anyMatch(c -> c.name().startsWith(k + "."));
                if (ConfigKeys.find(k).isEmpty() && !prefix) {
                    unknown.add(Docs.root().relativize(doc) + ": " + k);
                }
            }
        }
        assertThat(unknown).as("keys named in the docs that ConfigKeys does not have").isEmpty();
    }
}
