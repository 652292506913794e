package dev.powrace.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The command line: {@code powrace [serve|send|verify] ...}. */
@Command(name = "powrace", mixinStandardHelpOptions = true, version = "powrace 0.1.0",
        description = "A live, precisely timed proof-of-work race between network nodes.",
        subcommands = {ServeCommand.class, SendCommand.class, VerifyCommand.class, HelpCommand.class})
public final class Main implements Callable<Integer> {
    private static final PrintStream STDOUT =
            new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return 2;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** stdout as UTF-8, whatever the locale says. */
    static PrintStream stdout() {
        return STDOUT;
    }

    /** The command line, with one-line errors for user mistakes. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("powrace: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName()
                    + " --help')");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("powrace: unexpected error: " + e);
            if (Boolean.getBoolean("powrace.debug")) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }
}
