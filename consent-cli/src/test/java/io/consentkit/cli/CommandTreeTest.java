package io.consentkit.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run naming a subcommand builds only that subcommand under the same root, and it helps, versions
 * and fails exactly as in the full command tree.
 */
class CommandTreeTest {
    private static ConsentCli root() throws Exception {
        Constructor<ConsentCli> c = ConsentCli.class.getDeclaredConstructor(Map.class);
        c.setAccessible(true);
        return c.newInstance(Map.of());
    }

    private static String run(String[] args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ConsentCli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        return code + "\n" + out + "\n" + err;
    }

    @Test
    void everySubcommandHelpsAsInTheFullTree() throws Exception {
        CommandLine full = CommandTree.forRun(new String[0], root());
        assertThat(full.getSubcommands()).hasSizeGreaterThan(10);
        for (Map.Entry<String, CommandLine> e : full.getSubcommands().entrySet()) {
            CommandLine lean = CommandTree.forRun(new String[] {e.getKey(), "--help"}, root());
            assertThat(lean.getSubcommands()).as(e.getKey()).containsOnlyKeys(e.getKey());
            CommandLine sub = lean.getSubcommands().get(e.getKey());
            assertThat(sub.getUsageMessage()).as(e.getKey()).isEqualTo(e.getValue().getUsageMessage());
            assertThat(sub.getCommandSpec().qualifiedName()).isEqualTo(e.getValue().getCommandSpec().qualifiedName());
            assertThat(sub.getSubcommands().keySet()).as(e.getKey() + " subcommands")
                    .isEqualTo(e.getValue().getSubcommands().keySet());
        }
        assertThat(lean("status").getCommandSpec().usageMessage().footer())
                .isEqualTo(full.getCommandSpec().usageMessage().footer());
    }

    private static CommandLine lean(String word) throws Exception {
        return CommandTree.forRun(new String[] {word}, root());
    }

    @Test
    void anythingElseGetsTheFullTree() throws Exception {
        assertThat(CommandTree.forRun(new String[] {"--help"}, root()).getSubcommands()).hasSizeGreaterThan(10);
        assertThat(CommandTree.forRun(new String[] {"stauts"}, root()).getSubcommands()).hasSizeGreaterThan(10);
        assertThat(run(new String[] {"stauts"})).startsWith("2\n").contains("Unmatched argument");
        assertThat(run(new String[] {"--version"})).startsWith("0\n").contains("ConsentKit ");
    }

    @Test
    void versionAndErrorsOfALeanRunMatchTheFullTree() {
        assertThat(run(new String[] {"status", "--version"})).startsWith("0\n").contains("ConsentKit ");
        assertThat(run(new String[] {"status", "--no-such-option", "+15125551234"}))
                .startsWith("2\n").contains("consent: error: Unknown option: '--no-such-option'")
                .contains("(see 'consent status --help')");
    }
}
