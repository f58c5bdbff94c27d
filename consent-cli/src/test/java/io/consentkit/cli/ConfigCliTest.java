package io.consentkit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI reads the one configuration: {@code --config}, {@code ./consentkit.yml}, environment
 * variables; flags still win. The brand then need not be repeated on every command.
 */
class ConfigCliTest {
    @TempDir
    Path dir;

    private Path yaml(String name, String brand, Path journal) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, "consentkit:\n  brand: " + brand + "\n  store:\n    csv:\n      path: " + journal + "\n");
        return f;
    }

    @Test
    void theBrandAndJournalOfTheConfigFileNeedNoRepeating() throws Exception {
        Path journal = dir.resolve("data/consents.csv");
        Path config = yaml("chores.yml", "Chore Chart", journal);
        assertThat(CliTestSupport.run("record", "+15125550100", "--method", "in_person", "--staff", "Pat",
                "--config", config.toString()).exit()).isZero();
        assertThat(CliTestSupport.run("record", "+15125550101", "--config=" + config).exit()).isZero();
        String rows = Files.readString(journal);
        assertThat(rows).contains("Chore Chart").doesNotContain("Our Business");
        CliTestSupport.Result status = CliTestSupport.run("status", "+15125550101", "--config", config.toString());
        assertThat(status.exit()).isZero();
    }

    @Test
    void aFlagWinsOverTheFile() throws Exception {
        Path journal = dir.resolve("consents.csv");
        Path config = yaml("c.yml", "Chore Chart", journal);
        assertThat(CliTestSupport.run("record", "+15125550100", "--config", config.toString(), "--brand", "Flag Brand")
                .exit()).isZero();
        assertThat(Files.readString(journal)).contains("Flag Brand").doesNotContain("Chore Chart");
    }

    @Test
    void propertiesFilesWorkToo() throws Exception {
        Path journal = dir.resolve("p.csv");
        Path config = dir.resolve("consentkit.properties");
        Files.writeString(config, "consentkit.brand=Basin Climbing\nconsentkit.store.csv.path=" + journal + "\n");
        assertThat(CliTestSupport.run("record", "+15125550100", "--config", config.toString()).exit()).isZero();
        assertThat(Files.readString(journal)).contains("Basin Climbing");
    }

    @Test
    void aBadConfigIsBadInputNamingTheKey() throws Exception {
        Path config = dir.resolve("bad.yml");
        Files.writeString(config, "consentkit:\n  brnad: Typo\n");
        CliTestSupport.Result r = CliTestSupport.run("status", "+15125550100", "--config", config.toString());
        assertThat(r.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("consentkit.brnad").contains("not a ConsentKit key");

        Files.writeString(config, "consentkit:\n  twilio:\n    auth-token: 0123456789abcdef0123456789abcdef\n");
        r = CliTestSupport.run("status", "+15125550100", "--config", config.toString());
        assertThat(r.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("is a secret").doesNotContain("0123456789abcdef");

        r = CliTestSupport.run("status", "+15125550100", "--config", dir.resolve("missing.yml").toString());
        assertThat(r.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("config").contains("is not a file");
    }

    @Test
    void theWorkingDirectorysConsentkitYmlAndTheEnvironmentAreRead() throws Exception {
        Path journal = dir.resolve("consents.csv");
        yaml("consentkit.yml", "From File", journal);
        assertThat(CliProcess.run(dir, "record", "+15125550100").exit()).isZero();
        assertThat(CliProcess.run(dir, Map.of("CONSENTKIT_BRAND", "From Env"), "record", "+15125550101").exit()).isZero();
        String rows = Files.readString(journal);
        assertThat(rows).contains("From File").contains("From Env").doesNotContain("Our Business");
        CliTestSupport.Result wrongStore = CliProcess.run(dir, Map.of("CONSENTKIT_STORE_TYPE", "s3"), "status", "+15125550100");
        assertThat(wrongStore.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(wrongStore.err()).contains("CONSENTKIT_STORE_TYPE").contains("csv journal");
    }
}
