package io.consentkit.inbound;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Builders configure; what they build reads an immutable copy of the settings. */
class BuilderSettingsTest {
    static final String ANN = "+15125551234";
    final ConsentTracker.Builder trackerBuilder = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin");
    final ConsentTracker tracker = trackerBuilder.build();

    @AfterEach
    void close() {
        tracker.close();
    }

    /** Public methods of a builder other than its setters (which return the builder) and build(). */
    static List<String> getters(Class<?> builder) {
        return Arrays.stream(builder.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getReturnType() != builder && !m.getName().equals("build"))
                .map(Method::getName).toList();
    }

    @Test
    void buildersHaveNoPublicGetters() {
        assertThat(getters(ConsentTracker.Builder.class)).isEmpty();
        assertThat(getters(InboundHandler.Builder.class)).isEmpty();
        assertThat(getters(Confirmations.Builder.class)).isEmpty();
    }

    @Test
    void changingABuilderAfterBuildDoesNotReachWhatItBuilt() {
        InboundHandler.Builder b = InboundHandler.builder(tracker).supportContact("help@basin.example");
        InboundHandler first = b.build();
        InboundHandler second = b.optOutReply("Basin: unsubscribed.").optOutReplyPolicy(ReplyPolicy.ALWAYS).build();

        InboundResult a = first.handle(new InboundMessage(ANN, "", "please stop texting me", "SM1", Instant.EPOCH));
        InboundResult c = second.handle(new InboundMessage("+15125550199", "", "STOP", "SM2", Instant.EPOCH));

        assertThat(a.reply()).startsWith("Basin: you are unsubscribed");
        assertThat(c.reply()).isEqualTo("Basin: unsubscribed.");

        trackerBuilder.brand("Someone Else");
        assertThat(tracker.texts().brand()).isEqualTo("Basin");
    }

    @Test
    void settersValidateAtOnceNamingTheSetting() {
        InboundHandler.Builder b = InboundHandler.builder(tracker);
        assertThatThrownBy(() -> b.recentSids(0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("recentSids");
        assertThatThrownBy(() -> b.optOutReply(" ")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("optOutReply");
        assertThatThrownBy(() -> trackerBuilder.refreshInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("refreshInterval");
        assertThatThrownBy(() -> Confirmations.builder(tracker).listener(null)).hasMessageContaining("listener");
    }
}
