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
                BenchLedgerCommand.class, BenchClusterCommand.class, BenchRaceCommand.class, BenchAttackCommand.class,
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
        return openApp(spec, options);
    }

    /** The desktop app, hosting the nodes that {@code options} describe; returns when its window is closed. */
    static Integer openApp(CommandSpec spec, NodeOptions options) {
        String otherPlatform = PlatformJar.mismatch(); // another platform's jar: say which one, before JavaFX fails
        if (otherPlatform != null) {
            spec.commandLine().getErr().println("powrace: " + otherPlatform);
            return 2;
        }
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

    /**
     * The app's command alone: its options, no subcommands. Building the whole command line (every subcommand's
     * options, by reflection) is a tenth of a second or more of a cold JVM, on the way to the window; this is what
     * {@link #main} uses when no argument names a subcommand or asks for help. Any argument it does not take
     * goes to the whole command line, so that mistakes are reported exactly as they are there.
     */
    @Command(name = "powrace")
    static final class AppCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        NodeOptions options;

        @Override
        public Integer call() {
            return openApp(spec, options);
        }
    }

    /** Arguments that {@link AppCommand} leaves to the whole command line. */
    private static final java.util.Set<String> NOT_THE_APP_ALONE = java.util.Set.of("-h", "--help", "-V", "--version");

    /** The subcommands' names and aliases, read from {@link Main}'s annotation (no command line is built). */
    static java.util.Set<String> subcommandNames() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
            Command command = c.getAnnotation(Command.class);
            names.add(command.name());
            names.addAll(java.util.List.of(command.aliases()));
        }
        return names;
    }

    /**
     * The command line for {@code args}, its output and errors on the console: the app's command alone when
     * they run the app, else the whole one.
     */
    static CommandLine commandLineFor(String[] args) {
        return commandLineFor(args, Main::onConsole);
    }

    /** As {@link #commandLineFor(String[])}, each command line made ready by {@code setup} (for tests). */
    static CommandLine commandLineFor(String[] args, java.util.function.UnaryOperator<CommandLine> setup) {
        java.util.Set<String> subcommands = subcommandNames();
        for (String a : args) {
            if (NOT_THE_APP_ALONE.contains(a) || subcommands.contains(a)) {
                return setup.apply(commandLine());
            }
        }
        CommandLine app = new CommandLine(new AppCommand());
        app.setParameterExceptionHandler(new ToTheWholeCommandLine(setup));
        app.setExecutionExceptionHandler(new Unexpected());
        return setup.apply(app);
    }

    /** Output and errors in UTF-8 whatever the locale says, autoflushed so that each line shows as it happens. */
    private static CommandLine onConsole(CommandLine cl) {
        cl.setOut(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true));
        return cl;
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
        // the app's toolkit starts while the arguments are read; the commands load no JavaFX (App is one)
        boolean early = Arguments.runApp(args) && PlatformJar.mismatch() == null;
        if (early) {
            App.startEarly();
        }
        int code = 1;
        try {
            code = commandLineFor(args).execute(args);
        } finally {
            if (early) {
                App.cancelEarly(); // if no window took it (a mistake in the arguments): none is shown
            }
        }
        System.exit(code);
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
        cl.setExecutionExceptionHandler(new Unexpected());
        return cl;
    }

    /**
     * A bug, not a user's mistake: one line (the stack trace with -Dpowrace.debug=true), exit code 1. (The
     * handlers are classes, not lambdas: the JDK 17 JVM that writes the app's class archive at exit crashed on a
     * lambda of picocli's interfaces, whose classes are too old to be archived.)
     */
    private static final class Unexpected implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            cmd.getErr().println("powrace: unexpected error: " + e);
            if (Boolean.getBoolean("powrace.debug")) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        }
    }

    /** What the app's command alone does not take is parsed again by the whole command line, which reports it. */
    private static final class ToTheWholeCommandLine implements CommandLine.IParameterExceptionHandler {
        private final java.util.function.UnaryOperator<CommandLine> setup;

        ToTheWholeCommandLine(java.util.function.UnaryOperator<CommandLine> setup) {
            this.setup = setup;
        }

        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) {
            return setup.apply(commandLine()).execute(args);
        }
    }
}
