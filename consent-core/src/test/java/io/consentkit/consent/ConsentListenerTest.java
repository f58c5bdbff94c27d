package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

class ConsentListenerTest {
    @Test
    void hearsOptInsOptOutsAndAppendLatency() {
        List<String> heard = new ArrayList<>();
        List<Duration> latencies = new ArrayList<>();
        ConsentListener listener = new ConsentListener() {
            @Override
            public void onOptIn(ConsentRecord row) {
                heard.add("in:" + row.optInMethod());
            }

            @Override
            public void onOptOut(ConsentRecord row) {
                heard.add("out:" + row.revokedMethod());
            }

            @Override
            public void onAppend(int rows, Duration latency) {
                heard.add("append:" + rows);
                latencies.add(latency);
            }
        };
        try (ConsentTracker t = ConsentTracker.builder(new InMemoryConsentStore()).listener(listener).build()) {
            t.recordWebFormConsent("+15125550100", "", "", "", "", "");
            t.recordKeywordConsent("+15125550100", "START", "", "SM1", "START");
            t.revoke("+15125550100", ConsentTracker.REVOKED_BY_KEYWORD, "STOP");
        }
        assertThat(heard).containsExactly("append:1", "in:web_form", "append:1", "in:keyword", "append:2",
                "out:stop_keyword", "out:stop_keyword");
        assertThat(latencies).allSatisfy(d -> assertThat(d).isPositive());
    }

    @Test
    void aFailingListenerNeitherBreaksNorUndoesTheWrite() {
        ConsentListener broken = new ConsentListener() {
            @Override
            public void onOptIn(ConsentRecord row) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (ConsentTracker t = ConsentTracker.builder(new InMemoryConsentStore()).listener(broken).build()) {
            t.recordWebFormConsent("+15125550100", "", "", "", "", "");
            assertThat(t.isActive("+15125550100")).isTrue();
        }
    }

    @Test
    void countsIntoTheAppsOwnRegistry() {
        // snippet: consent-listener
        Map<String, LongAdder> optOuts = new ConcurrentHashMap<>(); // or your metrics registry
        ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore())
                .listener(new ConsentListener() {
                    @Override
                    public void onOptOut(ConsentRecord row) {
                        optOuts.computeIfAbsent(row.revokedMethod(), m -> new LongAdder()).increment();
                    }
                })
                .build();
        // end snippet
        try (tracker) {
            tracker.revoke("+15125550100", ConsentTracker.REVOKED_BY_KEYWORD, "");
        }
        assertThat(optOuts.get("stop_keyword").sum()).isEqualTo(1);
    }
}
