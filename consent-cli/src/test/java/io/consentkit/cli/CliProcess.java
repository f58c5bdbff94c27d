package io.consentkit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real CLI in a child JVM ({@code java -cp <test class path> io.consentkit.cli.ConsentCli ...})
 * in a given working directory, and captures its exit code, stdout and stderr.
 */
final class CliProcess {
    private static final long TIMEOUT_SECONDS = 30;

    private CliProcess() {
    }

    static CliTestSupport.Result run(Path workDir, String... args) {
        return run(workDir, java.util.Map.of(), args);
    }

    /** {@link #run(Path, String...)} with {@code env} added to the child's environment. */
    static CliTestSupport.Result run(Path workDir, java.util.Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ConsentCli.class.getName());
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("cli-out", ".txt");
            Path err = Files.createTempFile("cli-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd);
                pb.environment().putAll(env);
                Process p = pb.directory(workDir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(nullDevice())))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("consent " + String.join(" ", args) + " did not end within "
                            + TIMEOUT_SECONDS + " s");
                }
                return new CliTestSupport.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String nullDevice() {
        return System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null";
    }
}
