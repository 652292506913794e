package dev.powrace.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import dev.powrace.node.Settings;
import dev.powrace.pow.EngineFactory;
import dev.powrace.ui.App;

/** The command line: {@code powrace [serve|send|verify|nodes|export|bench|bench-ledger] ...}. */
@Command(name = "powrace", mixinStandardHelpOptions = true, version = "powrace 0.1.0",
        description = {"A live, precisely timed proof-of-work race between network nodes.",
                "With no command, opens the desktop app, which hosts the nodes."},
        subcommands = {ServeCommand.class, SendCommand.class, VerifyCommand.class, NodesCommand.class,
                ExportCommand.class, BenchCommand.class,
                BenchLedgerCommand.class, BenchClusterCommand.class, BenchRaceCommand.class,
                HelpCommand.class})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NodeOptions options;

    /** Where the commands read environment variables ({@link SecretOptions#ENV}): the real environment but in tests. */
    final Function<String, String> environment;

    Main(Function<String, String> environment) {
        this.environment = environment;
    }

    /** With no command: the desktop app, hosting the nodes. */
    @Override
    public Integer call() {
        Settings settings = options.settings(spec);
        EngineFactory engines = EngineFactory.auto();
        App.RefereeStarter referees = null;
        if (options.clustered()) { // only here is ClusterMode loaded; ZooKeeper only once the lambda runs
            PrintWriter err = spec.commandLine().getErr();
            try {
                ClusterMode.checkLabel(options); // a bad label in one line, before any window
            } catch (java.io.IOException e) {
                err.println("powrace: " + e.getMessage());
                return 2;
            }
            referees = (ledger, toClose) -> ClusterMode.start(options, settings, ledger, engines, toClose, err);
        }
        try {
            return App.run(settings, options.ledger(), engines, referees);
        } catch (UnsupportedOperationException | IllegalStateException e) {
            spec.commandLine().getErr().println("powrace: can't open a window (" + e.getMessage()
                    + "); 'powrace serve' runs the nodes without one");
            return 2;
        }
    }

    public static void main(String[] args) {
        if (Relaunch.isChild()) {
            Relaunch.watchParent();
        } else if (Relaunch.needed(args)) {
            int code = Relaunch.run(Main.class.getName(), args);
            if (code >= 0) {
                System.exit(code);
            }
        }
        CommandLine cl = commandLine();
        // UTF-8 whatever the locale says; autoflush so that each line shows as it happens.
        cl.setOut(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true));
        System.exit(cl.execute(args));
    }

    /** The command line, with one-line errors for user mistakes. */
    public static CommandLine commandLine() {
        return commandLine(System::getenv);
    }

    /** The command line, reading environment variables from {@code environment}. */
    static CommandLine commandLine(Function<String, String> environment) {
        CommandLine cl = new CommandLine(new Main(environment));
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
