package io.consentkit.spring.boot;

import io.consentkit.consent.ConsentListener;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendListener;
import io.consentkit.send.SendOutcome;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * Joins the application's listener beans into the one listener each builder takes, in bean order.
 * Each listener's failure is contained by the tracker and sender (they log it). Thread-safe when the
 * listeners are.
 */
final class Listeners {
    private Listeners() {
    }

    static ConsentListener consent(List<ConsentListener> all) {
        if (all.isEmpty()) {
            return ConsentListener.NO_OP;
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        List<ConsentListener> copy = List.copyOf(all);
        return new ConsentListener() {
            @Override
            public void onOptIn(ConsentRecord row) {
                copy.forEach(l -> l.onOptIn(row));
            }

            @Override
            public void onOptOut(ConsentRecord row) {
                copy.forEach(l -> l.onOptOut(row));
            }

            @Override
            public void onAppend(int rows, Duration latency) {
                copy.forEach(l -> l.onAppend(rows, latency));
            }
        };
    }

    static SendListener send(List<SendListener> all) {
        if (all.isEmpty()) {
            return SendListener.NO_OP;
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        List<SendListener> copy = List.copyOf(all);
        return new SendListener() {
            @Override
            public void onOutcome(OutboundMessage message, SendOutcome outcome) {
                copy.forEach(l -> l.onOutcome(message, outcome));
            }

            @Override
            public void onDailyCapThreshold(LocalDate day, long used, long cap) {
                copy.forEach(l -> l.onDailyCapThreshold(day, used, cap));
            }

            @Override
            public void onDailyCapReached(LocalDate day, long cap) {
                copy.forEach(l -> l.onDailyCapReached(day, cap));
            }

            @Override
            public void onProviderOptOut(PhoneNumber number, int code) {
                copy.forEach(l -> l.onProviderOptOut(number, code));
            }

            @Override
            public void onSendLogFailure(RuntimeException failure) {
                copy.forEach(l -> l.onSendLogFailure(failure));
            }
        };
    }
}
