package io.consentkit.cli;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.OptInMethod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "record", mixinStandardHelpOptions = true,
        description = "Records an opt-in. Methods web_form, keyword and in_person use the standardized texts; "
                + "any other method needs --message.")
final class RecordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<phone>")
    String phone;
    @Option(names = "--method", defaultValue = OptInMethod.WEB_FORM,
            description = "web_form, keyword, in_person, qr_code or your own word. Default: ${DEFAULT-VALUE}")
    String method;
    @Option(names = "--message", description = "The exact consent text (required for methods other than the three standard ones).")
    String message;
    @Option(names = "--keyword", defaultValue = "START", description = "For --method keyword: the word texted.")
    String keyword;
    @Option(names = "--customer-id")
    String customerId;
    @Option(names = "--name")
    String name;
    @Option(names = "--email")
    String email;
    @Option(names = "--ip")
    String ip;
    @Option(names = "--form-url")
    String formUrl;
    @Option(names = "--staff")
    String staff;
    @Option(names = "--location")
    String location;
    @Option(names = "--screenshot-url")
    String screenshotUrl;
    @Option(names = "--timestamp", description = "Historical ISO-8601 instant for a documented back-fill.")
    Instant timestamp;
    @Option(names = "--meta", description = "Extra evidence, key=value (repeatable).")
    Map<String, String> meta = new LinkedHashMap<>();

    @Override
    public Integer call() {
        try (ConsentTracker tracker = opts.openTracker()) {
            ConsentRecord r;
            // the three standard methods use the standardized texts unless the caller supplied more
            boolean standard = message == null && timestamp == null && screenshotUrl == null && meta.isEmpty();
            if (standard && method.equals(OptInMethod.WEB_FORM)) {
                r = tracker.recordWebFormConsent(phone, customerId, name, email, ip, formUrl);
            } else if (standard && method.equals(OptInMethod.KEYWORD)) {
                r = tracker.recordKeywordConsent(phone, keyword, customerId, null, null);
            } else if (standard && method.equals(OptInMethod.IN_PERSON)) {
                r = tracker.recordInPersonConsent(phone, customerId, name, staff, location);
            } else {
                ConsentRequest.Builder b = ConsentRequest.builder(phone, method, message).customerId(customerId)
                        .customerName(name).customerEmail(email).ipAddress(ip).screenshotUrl(screenshotUrl)
                        .timestamp(timestamp).metadata(meta);
                if (formUrl != null) {
                    b.metadata("form_url", formUrl);
                }
                r = tracker.recordConsent(b.build());
            }
            Output.record(spec.commandLine().getOut(), opts.format, r);
        }
        return 0;
    }
}
