package io.consentkit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code consent batch}: commands over a file of many numbers (today: {@code batch status}). */
@Command(name = "batch", mixinStandardHelpOptions = true, subcommands = BatchStatusCommand.class,
        description = "Commands over a file of numbers, reading the journal once.")
final class BatchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
