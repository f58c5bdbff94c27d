package io.consentkit.spring.boot;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/spring-boot.md's table of meters names exactly the meters {@link ConsentKitMetrics} registers. */
class MetricsDocsTest {
    @Test
    void theMetricsTableIsTheCodesMeters() throws Exception {
        Path doc = Path.of("..", "docs", "spring-boot.md");
        Matcher m = Pattern.compile("(?m)^\\| `(consentkit\\.[a-z.]+)` \\|").matcher(Files.readString(doc));
        List<String> documented = new ArrayList<>();
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertThat(documented).containsExactlyInAnyOrder(ConsentKitMetrics.SENDS, ConsentKitMetrics.OPT_INS,
                ConsentKitMetrics.OPT_OUTS, ConsentKitMetrics.WEBHOOK_REQUESTS, ConsentKitMetrics.STORE_APPEND);
    }
}
