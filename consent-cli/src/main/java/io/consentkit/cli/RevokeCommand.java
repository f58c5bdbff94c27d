package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentChannel;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.consent.RevocationRequest;
import io.consentkit.consent.RevocationScope;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Records an opt-out: revokes the number's active consents in scope (or suppresses the scope).",
            "Scope: every program of every brand (the default), --program (those programs) or --scope-brand (every "
                    + "program of those brands). --channel names how it arrived (revocation by any reasonable means)."})
final class RevokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<phone>")
    String phone;
    @Option(names = "--method", defaultValue = "customer_request", description = "How it was revoked. Default: ${DEFAULT-VALUE}")
    String method;
    @Option(names = "--notes", description = "Free-text notes kept with the revocation.")
    String notes;
    @Option(names = "--program", split = ",", paramLabel = "<program>",
            description = "Revoke only these programs (comma-separated or repeated; --programs lists them).")
    List<String> programs = List.of();
    @Option(names = "--scope-brand", split = ",", paramLabel = "<brand>",
            description = "Revoke every program of these brands (comma-separated or repeated).")
    List<String> scopeBrands = List.of();
    @Option(names = "--channel", paramLabel = "sms|web|email|voice|agent|api",
            description = "How the revocation arrived; written in the rows' channel column. Default: none (a legacy-shaped "
                    + "row) when no scope is given, else agent (an operator acting on the person's word).")
    String channel;
    @Option(names = "--evidence", paramLabel = "<key=value>",
            description = "Evidence kept with the revocation (metadata revoke_<key>; repeatable), e.g. email_id=4711.")
    Map<String, String> evidence = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // every input is checked before the journal is opened (or created)
        PhoneNumber number = PhoneNumbers.defaults().parse(phone, "phone_number");
        Programs scopes = opts.programs();
        RevocationScope scope = scope(scopes);
        boolean legacy = scope == null && channel == null;
        ConsentChannel ch = channel == null ? ConsentChannel.AGENT : ConsentChannel.of(channel);
        try (ConsentTracker tracker = opts.openTracker()) {
            List<ConsentRecord> rows = legacy ? tracker.revoke(number, method, notes, evidence)
                    : tracker.revoke(new RevocationRequest(number, scope == null ? RevocationScope.all() : scope, ch,
                            method, notes, evidence));
            for (ConsentRecord r : rows) {
                Output.record(out, opts.format, r, tracker.programs());
            }
        }
        return 0;
    }

    /** The scope the options name, checked against the programs; null for none given (everything). */
    private RevocationScope scope(Programs scopes) {
        if (!programs.isEmpty() && !scopeBrands.isEmpty()) {
            throw new InvalidInputException("program", "give --program or --scope-brand, not both");
        }
        if (!programs.isEmpty()) {
            String[] names = programs.stream().map(String::strip).toArray(String[]::new);
            for (String n : names) {
                scopes.program(n);
            }
            return RevocationScope.program(names);
        }
        if (!scopeBrands.isEmpty()) {
            String[] names = scopeBrands.stream().map(String::strip).toArray(String[]::new);
            for (String n : names) {
                scopes.programsOf(n);
            }
            return RevocationScope.brand(names);
        }
        return null;
    }
}
