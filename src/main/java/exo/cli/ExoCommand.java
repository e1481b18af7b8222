package exo.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top-level `exo` command: only subcommands do work. */
@Command(name = "exo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Run large language models over a ring of the machines you already own.",
        subcommands = {picocli.CommandLine.HelpCommand.class, BenchCommand.class, ChatCommand.class,
                DownloadCommand.class, LsCommand.class, ModelsCommand.class, NodeCommand.class, PeersCommand.class,
                PlanCommand.class, PsCommand.class, RmCommand.class, RunCommand.class, ServeCommand.class, TemplateCommand.class,
                TokenizeCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 bad usage or input, 3 unexpected state, 4 internal error."})
public final class ExoCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is needed (see exo --help)");
    }
}
