package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.config.ConfigKeys;
import io.consentkit.config.ConsentKitConfig;
import io.consentkit.config.StoreType;
import io.consentkit.support.Masking;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CLI's side of the one configuration vocabulary: finds the configuration file ({@code --config},
 * else {@code ./consentkit.yml} when present), reads it (YAML here with SnakeYAML's safe loader, or
 * {@code .properties} through consent-core) and resolves it with the environment into a
 * {@link ConsentKitConfig}. As picocli's default-value provider it makes {@code --store} and
 * {@code --brand} default to the configured values, so a flag given on the command line still wins
 * (flag &gt; environment &gt; file &gt; default). Not thread-safe: one per run.
 */
final class CliConfig implements CommandLine.IDefaultValueProvider {
    /** The options whose defaults come from the configuration. */
    private static final java.util.Set<String> CONFIGURED = java.util.Set.of("--store", "--brand", "--erasure-key-file",
            "--keep", "--program-keep");
    private final String[] args;
    private final Map<String, String> env;
    private final Path workDir;
    private ConsentKitConfig loaded;

    CliConfig(String[] args, Map<String, String> env, Path workDir) {
        this.args = args.clone();
        this.env = Map.copyOf(env);
        this.workDir = workDir;
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
        if (!(arg instanceof CommandLine.Model.OptionSpec o) || !isStoreOption(o)) {
            return null;
        }
        return switch (o.longestName()) {
            case "--store" -> config().csvPath().toString();
            case "--brand" -> config().brand();
            case "--erasure-key-file" -> config().value(ConfigKeys.ERASURE_KEY_FILE);
            case "--keep" -> config().value(ConfigKeys.RETENTION_KEEP);
            case "--program-keep" -> config().value(ConfigKeys.RETENTION_PROGRAMS);
            default -> null;
        };
    }

    /** {@code --store} or {@code --brand} of {@link StoreOptions} (commands that also have {@code --config}). */
    private static boolean isStoreOption(CommandLine.Model.OptionSpec o) {
        return CONFIGURED.contains(o.longestName()) && o.command() != null
                && o.command().findOption("--config") != null;
    }

    /** The file, environment and defaults resolved (flags are applied by picocli on top). */
    ConsentKitConfig config() {
        if (loaded == null) {
            ConsentKitConfig.Loader loader = ConsentKitConfig.loader().environment(env);
            Path file = configFile();
            if (file != null) {
                read(loader, file);
            }
            loaded = loader.load();
            if (loaded.storeType() != StoreType.CSV) {
                throw new InvalidInputException(ConfigKeys.STORE_TYPE.name() + " (from " + loaded.origin(ConfigKeys.STORE_TYPE)
                        + ")", "is " + loaded.storeType().configName() + "; the consent command works on a csv journal");
            }
        }
        return loaded;
    }

    /** {@code --config <file>} or {@code --config=<file>} from the arguments, else ./consentkit.yml if it exists. */
    private Path configFile() {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return explicit(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return explicit(args[i].substring("--config=".length()));
            }
        }
        Path implicit = workDir.resolve(ConsentKitConfig.DEFAULT_FILE);
        return Files.isRegularFile(implicit) ? implicit : null;
    }

    private Path explicit(String name) {
        Path p = workDir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new InvalidInputException("config", "'" + Masking.printable(name) + "' is not a file");
        }
        return p;
    }

    private static void read(ConsentKitConfig.Loader loader, Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".properties")) {
            loader.file(file);
            return;
        }
        if (!name.endsWith(".yml") && !name.endsWith(".yaml")) {
            throw new InvalidInputException("config", "'" + Masking.printable(file.toString())
                    + "' must be .yml, .yaml or .properties");
        }
        Object root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (IOException | YAMLException e) {
            throw new InvalidInputException("config", "cannot read '" + Masking.printable(file.toString()) + "': "
                    + firstLine(e.getMessage()));
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (root != null) {
            flatten("", root, flat, file);
        }
        loader.values(flat, file.toString());
    }

    /** Nested maps to dotted keys ({@code consentkit: {store: {type: csv}}} is {@code consentkit.store.type}). */
    static void flatten(String prefix, Object node, Map<String, String> out, Path file) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
                flatten(key, e.getValue(), out, file);
            }
        } else if (node instanceof List<?>) {
            throw new InvalidInputException(prefix + " (from " + file + ")", "is a list; ConsentKit keys take one value");
        } else if (prefix.isEmpty()) {
            throw new InvalidInputException("config", "'" + Masking.printable(file.toString()) + "' is not a map of keys");
        } else {
            out.put(prefix, node == null ? "" : String.valueOf(node));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
