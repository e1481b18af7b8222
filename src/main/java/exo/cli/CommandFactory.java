package exo.cli;

import exo.InvalidInputException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Builds the `exo` command line with its exit-code mapping; the one place that does. */
public final class CommandFactory {
    private CommandFactory() {
    }

    public static CommandLine create() {
        return create(new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    public static CommandLine create(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new ExoCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("exo: " + ex.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, cmd.getErr())) {
                cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
            }
            cmd.getErr().flush();
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (System.getenv("EXO_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            cmd.getErr().println("exo: " + ExitCode.message(ex) + flagOf(ex, cmd));
            cmd.getErr().flush();
            return ExitCode.of(ex);
        });
        return cl;
    }

    /**
     * " (--top-k)" when {@code ex} is bad input about a value that {@code cmd} takes as an option:
     * the domain says what is wrong, the command line says which flag.
     */
    private static String flagOf(Exception ex, CommandLine cmd) {
        if (!(ex instanceof InvalidInputException bad) || bad.field().isEmpty()) {
            return "";
        }
        String flag = "--" + bad.field().get().replace('_', '-');
        return cmd.getCommandSpec().findOption(flag) != null ? " (" + flag + ")" : "";
    }
}
