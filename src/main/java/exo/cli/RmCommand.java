package exo.cli;

import exo.download.LocalModels;
import exo.models.ModelSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `exo rm MODEL`: deletes a model's files from this machine. */
@Command(name = "rm",
        description = {"Delete MODEL's files from this machine (those 'exo ls' lists for it): its files in the "
                + "Hugging Face cache and its shards. A cache blob another snapshot still uses is kept."},
        footer = {"", "Examples:", "  exo rm llama-3.2-1b", "  exo rm llama-3.1-8b --quant Q8_0"})
public final class RmCommand extends Subcommand {
    @Mixin
    RegistryOption registry;

    @Parameters(index = "0", paramLabel = "MODEL", completionCandidates = Completions.ModelIds.class,
            description = "A model id from 'exo models'.")
    String model;

    @Option(names = "--quant", paramLabel = "QUANT", completionCandidates = Completions.Quants.class,
            description = "Only this quantization (default: all).")
    String quant;

    @Override
    public Integer call() throws Exception {
        ModelSpec m = registry.registry().get(model);
        if (quant != null) {
            m.quant(quant); // an unknown quantization is refused with the ones there are
        }
        List<LocalModels.Entry> removed = LsCommand.local(registry, System.getenv()).remove(m, Optional.ofNullable(quant));
        PrintWriter err = err();
        if (removed.isEmpty()) {
            throw new UserException(ExitCode.FAILURE, m.id() + (quant != null ? " " + quant : "")
                    + " has no files on this machine (exo ls lists what there is)");
        }
        long bytes = 0;
        for (LocalModels.Entry e : removed) {
            err.println("removed " + e.path() + " (" + ByteSize.format(e.bytes()) + ")");
            bytes += e.bytes();
        }
        err.println("exo: removed " + removed.size() + " file" + (removed.size() == 1 ? "" : "s") + " of " + m.id()
                + ", " + ByteSize.format(bytes));
        err.flush();
        return ExitCode.OK;
    }
}
