package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTexts;
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
    @Option(names = "--program", paramLabel = "<program>",
            description = "The program consented to (--programs lists them). Default: the default program.")
    String program;
    @Option(names = "--meta", description = "Extra evidence, key=value (repeatable).")
    Map<String, String> meta = new LinkedHashMap<>();

    @Override
    public Integer call() {
        if (program != null) {
            opts.programs().program(program.strip()); // an unknown program is bad input, before the journal is created
        }
        try (ConsentTracker tracker = opts.openTracker()) {
            // one request for every method: the standard methods take their standardized text unless
            // --message gives another, and every evidence flag given is kept (none is dropped)
            String text = message != null ? message : standardText(tracker.texts());
            ConsentRequest.Builder b = ConsentRequest.builder(phone, method, text).customerId(customerId)
                    .customerName(name).customerEmail(email).ipAddress(ip).screenshotUrl(screenshotUrl)
                    .timestamp(timestamp).program(program);
            if (method.equals(OptInMethod.KEYWORD)) {
                b.metadata("keyword", InvalidInputException.requireText("keyword", keyword).strip());
            }
            putIfGiven(b, "form_url", formUrl);
            putIfGiven(b, "staff_member", staff);
            putIfGiven(b, "location", location);
            b.metadata(meta);
            ConsentRecord r = tracker.recordConsent(b.build());
            Output.record(spec.commandLine().getOut(), opts.format, r, tracker.programs());
        }
        return 0;
    }

    /** The standardized text of a standard method; other methods must bring their own (--message). */
    private String standardText(ConsentTexts texts) {
        return switch (method) {
            case OptInMethod.WEB_FORM -> texts.webForm();
            case OptInMethod.KEYWORD -> texts.keyword(InvalidInputException.requireText("keyword", keyword).strip());
            case OptInMethod.IN_PERSON -> texts.inPerson();
            default -> throw new InvalidInputException("message",
                    "is required for method '" + method + "' (only web_form, keyword and in_person have a standard text)");
        };
    }

    private static void putIfGiven(ConsentRequest.Builder b, String key, String value) {
        if (value != null && !value.isBlank()) {
            b.metadata(key, value.strip());
        }
    }
}
