package io.consentkit.inbound;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.phone.InvalidPhoneNumberException;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The channel of an inbound message, and which channels change SMS consent. */
@Timeout(30)
class ChannelTest {
    static final String ANN = "+15125551234";
    static final Instant AT = Instant.parse("2026-04-02T18:00:00Z");

    final SettableClock clock = SettableClock.at("2026-04-02T18:00:00Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin").clock(clock).build();
    int sid;

    @AfterEach
    void close() {
        tracker.close();
    }

    @ParameterizedTest
    @CsvSource({
        "+15125551234, SMS, +15125551234",
        "'(512) 555-1234', SMS, '(512) 555-1234'",
        "sms:+15125551234, SMS, +15125551234",
        "whatsapp:+15125551234, WHATSAPP, +15125551234",
        "WhatsApp: +15125551234, WHATSAPP, +15125551234",
        "messenger:1234567890, MESSENGER, 1234567890",
        "rcs:+15125551234, RCS, +15125551234",
        "viber:+15125551234, OTHER, +15125551234",
    })
    void theChannelComesFromTheAddressPrefix(String from, Channel channel, String address) {
        InboundMessage m = InboundMessage.of(from, "STOP", "SM1", AT);
        assertThat(m.channel()).isEqualTo(channel);
        assertThat(m.address()).isEqualTo(address);
        assertThat(new InboundMessage(from, "", "STOP", "SM1", AT, Intent.NONE).channel()).isEqualTo(channel);
        assertThat(m.withProviderIntent(Intent.OPT_OUT).channel()).isEqualTo(channel);
        assertThat(m.withChannel(Channel.RCS).channel()).isEqualTo(Channel.RCS);
    }

    @Test
    void theDefaultsChangeSmsConsentOnlyOnSmsAndRcs() {
        InboundHandler handler = InboundHandler.builder(tracker).supportContact("help@basin.example").build();
        for (Channel c : Channel.values()) {
            InboundResult r = handler.handle(new InboundMessage(ANN, "", "START", "SM" + ++sid, AT, Intent.NONE, c));
            boolean changes = c == Channel.SMS || c == Channel.RCS;
            assertThat(r.change()).as(c.name()).isEqualTo(changes ? InboundResult.Change.OPTED_IN
                    : InboundResult.Change.OTHER_CHANNEL);
            assertThat(r.hasReply()).as(c.name()).isEqualTo(changes);
        }
        assertThat(tracker.history(ANN)).hasSize(2);
        InboundResult stop = handler.handle(InboundMessage.of("whatsapp:" + ANN, "STOP", "SM" + ++sid, AT));
        assertThat(stop.change()).isEqualTo(InboundResult.Change.OTHER_CHANNEL);
        assertThat(stop.intent()).isEqualTo(Intent.OPT_OUT); // read, reported, not applied
        assertThat(tracker.isOptedOut(ANN)).isFalse();
        assertThat(tracker.history(ANN)).hasSize(2);
    }

    @Test
    void anOtherChannelSenderIsNotParsedAsAPhoneNumber() {
        InboundHandler handler = InboundHandler.builder(tracker).supportContact("help@basin.example").build();
        assertThat(handler.handle(InboundMessage.of("messenger:not-a-number", "STOP", "SM1", AT)).change())
                .isEqualTo(InboundResult.Change.OTHER_CHANNEL);
        assertThatThrownBy(() -> handler.handle(InboundMessage.of("rcs:not-a-number", "STOP", "SM2", AT)))
                .isInstanceOf(InvalidPhoneNumberException.class);
    }

    @Test
    void aChannelPolicyMayAddOrRemoveChannels() {
        InboundHandler smsOnly = InboundHandler.builder(tracker).supportContact("help@basin.example")
                .consentChannels(Channel.SMS).build();
        assertThat(smsOnly.handle(InboundMessage.of("rcs:" + ANN, "STOP", "SM1", AT)).change())
                .isEqualTo(InboundResult.Change.OTHER_CHANNEL);
        assertThat(tracker.isOptedOut(ANN)).isFalse();
        InboundHandler withWhatsapp = InboundHandler.builder(tracker).supportContact("help@basin.example")
                .consentChannels(Channel.SMS, Channel.WHATSAPP).build();
        assertThat(withWhatsapp.handle(InboundMessage.of("whatsapp:" + ANN, "STOP", "SM2", AT)).change())
                .isEqualTo(InboundResult.Change.OPTED_OUT);
        assertThat(tracker.isOptedOut(ANN)).isTrue();
    }
}
