package io.consentkit.web.optin;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.Program;
import io.consentkit.consent.Programs;
import io.consentkit.inbound.Confirmations;
import io.consentkit.web.HtmlSnapshots;
import io.consentkit.web.WebFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A page carriers would reject cannot be built: each missing disclosure is a typed error naming its field. */
class OptInPageSettingsTest {
    static final Program PROGRAM = Programs.defaults().defaultProgram();

    private static OptInPageSettings.Builder complete() {
        return OptInPageSettings.builder("Basin Climbing", PROGRAM).termsUrl("https://basin.example/terms")
                .privacyUrl("https://basin.example/privacy");
    }

    private static void refused(String field, Consumer<OptInPageSettings.Builder> change) {
        assertThatThrownBy(() -> {
            OptInPageSettings.Builder b = complete();
            change.accept(b);
            b.build();
        }).isInstanceOf(InvalidInputException.class).extracting(e -> ((InvalidInputException) e).field()).isEqualTo(field);
    }

    @Test
    void theDefaultTextsCarryEveryDisclosure() {
        OptInPageSettings s = complete().frequency("Up to 4 msgs/month.").build();
        assertThat(s.consentText()).contains("Basin Climbing", "Up to 4 msgs/month.", "Msg & data rates may apply.",
                "STOP", "HELP", "not a condition of purchase");
        assertThat(s.confirmationQuestion()).startsWith("Basin Climbing: reply Y").contains("STOP", "HELP",
                "Msg & data rates may apply.");
    }

    @Test
    void aPreCheckedBoxOrAMissingDisclosureCannotBeBuilt() {
        refused("checkbox", b -> b.preChecked(true));
        assertThat(complete().preChecked(false).build()).isNotNull();
        refused("termsUrl", b -> OptInPageSettings.builder("Basin Climbing", PROGRAM)
                .privacyUrl("https://basin.example/privacy").build());
        assertThatThrownBy(() -> OptInPageSettings.builder("Basin Climbing", PROGRAM).termsUrl("https://basin.example/t")
                .build()).isInstanceOf(InvalidInputException.class).hasMessageContaining("privacyUrl");
        refused("termsUrl", b -> b.termsUrl("/terms"));
        refused("privacyUrl", b -> b.privacyUrl("javascript:alert(1)"));
        refused("consentText", b -> b.consentText("I agree to texts from Basin Climbing. Reply STOP to cancel, HELP for help."));
        refused("consentText", b -> b.consentText("I agree to texts from Basin Climbing. Msg & data rates may apply."));
        refused("consentText", b -> b.consentText("I agree to texts. Msg & data rates may apply. Reply STOP, HELP."));
        refused("confirmationQuestion", b -> b.confirmationQuestion("Basin Climbing: confirm? Msg & data rates may "
                + "apply. STOP to cancel, HELP for help."));
        refused("frequency", b -> b.frequency(" "));
        refused("confirmationTtl", b -> b.confirmationTtl(java.time.Duration.ofSeconds(10)));
    }

    @Test
    void thePageMustSignUpToTheTrackersDefaultProgram(@TempDir Path dir) {
        try (WebFixture web = new WebFixture(dir)) {
            OptInPageSettings other = OptInPageSettings.builder("Basin Climbing", Program.of("alerts", "basin"))
                    .termsUrl("https://basin.example/terms").privacyUrl("https://basin.example/privacy").build();
            Confirmations c = web.confirmations;
            assertThatThrownBy(() -> OptInPage.builder(other, c, HtmlSnapshots.open(dir.resolve("s"))).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("program");
        }
    }
}
