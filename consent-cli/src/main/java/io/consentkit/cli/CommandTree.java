package io.consentkit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Builds the {@code consent} command line for one run. Picocli inspects every command class it is
 * given (options, mixins, nested subcommands) before parsing, which for the whole tree costs most of
 * a short command's start-up; a run whose first argument names a subcommand (or one of its aliases)
 * gets a root holding that one subcommand, built from the same {@link ConsentCli} annotation (name,
 * version, description, footer, standard help options), so it parses, helps and fails exactly as
 * the full tree does. Any other first argument (none, an option, a typo) gets the full tree, for its
 * usage and error messages. Stateless.
 */
final class CommandTree {
    private CommandTree() {
    }

    static CommandLine forRun(String[] args, ConsentCli root) {
        Command rootCommand = ConsentCli.class.getAnnotation(Command.class);
        Class<?> sub = args.length == 0 ? null : subcommand(rootCommand, args[0]);
        if (sub == null) {
            return new CommandLine(root);
        }
        CommandSpec spec = CommandSpec.wrapWithoutInspection(root);
        spec.name(rootCommand.name()).version(rootCommand.version()).mixinStandardHelpOptions(
                rootCommand.mixinStandardHelpOptions());
        spec.usageMessage().description(rootCommand.description()).footer(rootCommand.footer());
        CommandLine cl = new CommandLine(spec);
        cl.addSubcommand(new CommandLine(sub));
        return cl;
    }

    /** The subcommand class named {@code word} (its name or an alias), or null. */
    private static Class<?> subcommand(Command rootCommand, String word) {
        for (Class<?> c : rootCommand.subcommands()) {
            Command command = c.getAnnotation(Command.class);
            if (command == null) {
                return null; // not a plain annotated command: let picocli build the tree
            }
            if (command.name().equals(word) || java.util.Arrays.asList(command.aliases()).contains(word)) {
                return c;
            }
        }
        return null;
    }
}
