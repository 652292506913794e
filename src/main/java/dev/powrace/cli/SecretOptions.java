package dev.powrace.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The cluster secret's options, shared by `serve`, the app and the commands that take --cluster. The secret is
 * taken, first found first, from --cluster-secret, --cluster-secret-file or the environment variable
 * {@value #ENV}; the file and the variable keep it out of the process list.
 */
public final class SecretOptions {
    /** The environment variable that may hold the secret. */
    public static final String ENV = "POWRACE_CLUSTER_SECRET";

    @Option(names = "--cluster-secret-file", paramLabel = "FILE",
            description = "Read the cluster secret from the first line of FILE (trimmed). With a secret, every znode "
                    + "this process creates in ZooKeeper is closed to clients without it. The environment variable "
                    + ENV + " may hold it instead.")
    Path file;

    @Option(names = "--cluster-secret", paramLabel = "TEXT",
            description = "The cluster secret itself. Other users of this machine can see it in the process list: "
                    + "prefer --cluster-secret-file or " + ENV + ".")
    String text;

    /** True if an option gives the secret (the environment variable is not an option). */
    boolean given() {
        return text != null || file != null;
    }

    /**
     * The secret: --cluster-secret, else --cluster-secret-file's first line, else the environment variable; null if
     * none is set.
     *
     * @param env the environment, {@code System::getenv} but for tests
     * @throws ParameterException in one line: both options given, a blank secret, a file that can't be read
     */
    String resolve(CommandSpec spec, Function<String, String> env) {
        if (text != null && file != null) {
            throw new ParameterException(spec.commandLine(), "give --cluster-secret or --cluster-secret-file, not both");
        }
        if (text != null) {
            if (text.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--cluster-secret is blank");
            }
            return text;
        }
        if (file != null) {
            String line;
            try (java.util.stream.Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                line = lines.findFirst().orElse("").strip();
            } catch (java.io.UncheckedIOException e) {
                throw new ParameterException(spec.commandLine(), "can't read --cluster-secret-file " + file + ": "
                        + why(e.getCause()));
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "can't read --cluster-secret-file " + file + ": "
                        + why(e));
            }
            if (line.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--cluster-secret-file " + file + " is empty: the "
                        + "secret is its first line");
            }
            return line;
        }
        String value = env.apply(ENV);
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            throw new ParameterException(spec.commandLine(), ENV + " is set but blank");
        }
        return value.strip();
    }

    private static String why(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** The environment the command line was made with: Main's, or the real one. */
    static Function<String, String> environment(CommandSpec spec) {
        return spec.root().userObject() instanceof Main main ? main.environment : System::getenv;
    }
}
