package dev.powrace.cli;

import java.util.Set;

/**
 * What a command line asks for, read as picocli reads it but without building the command line (reflection over
 * every subcommand's options: a tenth of a second of a cold JVM, in the process that only starts another): the
 * subcommand is the first argument that is neither one of {@link Main}'s options nor such an option's value, so
 * {@code serve --label send} is serve. Used before the relaunch ({@link Relaunch}) and for the class archive
 * ({@link ClassArchive}). CliTest checks the lists against picocli's own model of {@link Main}.
 */
final class Arguments {
    /** {@link Main}'s subcommands, names and aliases. */
    static final Set<String> COMMANDS = Set.of("serve", "send", "verify", "nodes", "export", "bench", "bench-ledger",
            "bench-cluster", "bench-race", "bench-attack", "help");

    /** {@link Main}'s options that take a value, one argument each ({@link NodeOptions}, {@link SecretOptions}). */
    static final Set<String> WITH_VALUE = Set.of("--ports", "--difficulty", "--power", "--ledger", "--bind",
            "--join-window", "--cluster", "--host-cluster", "--label", "--cluster-secret", "--cluster-secret-file");

    /** The options that show help or the version, at the top or in any subcommand. */
    static final Set<String> HELP = Set.of("-h", "--help", "-V", "--version");

    private Arguments() {}

    /**
     * The subcommand that {@code args} run, or null for none (the app). Anything else in that place is returned
     * too (a mistyped command, or what follows {@code --}): picocli refuses it, so it is not the app either. A
     * command's name right after an option that takes a value is the command: picocli does not take it as the
     * value (it says the value is missing), so such a run is not the app.
     */
    static String command(String[] args) {
        // A plain loop: this runs in the JVM that only starts another, where every first use of a JDK facility costs
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (COMMANDS.contains(a)) {
                return a;
            }
            if (a.equals("--")) { // the end of the options: Main takes no positional argument
                return i + 1 < args.length ? args[i + 1] : null;
            }
            if (a.length() > 1 && a.startsWith("-")) {
                if (WITH_VALUE.contains(a) && i + 1 < args.length && !COMMANDS.contains(args[i + 1])) {
                    i++; // its value (--label=send is one argument)
                }
                continue;
            }
            return a;
        }
        return null;
    }

    /** True if {@code args} ask for help or the version, anywhere. */
    static boolean asksForHelp(String[] args) {
        for (String a : args) {
            if (HELP.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code args} open the desktop app: no subcommand, no help. */
    static boolean runApp(String[] args) {
        return command(args) == null && !asksForHelp(args);
    }
}
