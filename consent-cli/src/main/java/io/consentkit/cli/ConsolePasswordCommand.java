package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.config.ConfigKeys;
import io.consentkit.web.ConsoleCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code consent console-password}: prints the {@code consentkit.console.password-hash} of a password read from a
 * file (never from the command line, where it would stay in the shell's history) or from
 * {@code CONSENTKIT_CONSOLE_PASSWORD}, so the configuration file can hold the hash instead of a secret.
 */
@Command(name = "console-password", mixinStandardHelpOptions = true,
        description = "Prints the consentkit.console.password-hash value (PBKDF2WithHmacSHA256) of the password in "
                + "--password-file, or in CONSENTKIT_CONSOLE_PASSWORD; put it in the configuration file.")
final class ConsolePasswordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--password-file", paramLabel = "<file>", description = "File whose content (one line) is the password.")
    Path passwordFile;
    @Option(names = "--iterations", defaultValue = "" + ConsoleCredentials.DEFAULT_ITERATIONS, paramLabel = "<n>",
            description = "PBKDF2 iterations. Default: ${DEFAULT-VALUE}")
    int iterations;

    @Override
    public Integer call() {
        String password;
        if (passwordFile != null) {
            try {
                password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new InvalidInputException("password-file", "cannot be read: " + e.getMessage());
            }
        } else {
            Object root = spec.root().userObject();
            Map<String, String> env = root instanceof ConsentCli cli ? cli.environment() : System.getenv();
            password = env.getOrDefault(ConfigKeys.CONSOLE_PASSWORD.environmentVariable(), "").strip();
            if (password.isEmpty()) {
                throw new InvalidInputException("password-file", "is required (or set "
                        + ConfigKeys.CONSOLE_PASSWORD.environmentVariable() + ")");
            }
        }
        spec.commandLine().getOut().println(ConsoleCredentials.hash(password.toCharArray(), iterations));
        return 0;
    }
}
