package exo.cli;

import exo.download.FileDownloader;
import exo.download.HfClient;
import exo.download.HfSettings;
import exo.download.HubCache;
import exo.download.HubException;
import exo.download.HubFile;
import exo.download.ProgressListener;
import exo.download.ShardFetcher;
import exo.download.ShardStore;
import exo.models.ModelSpec;
import exo.node.ExoHome;
import exo.topology.Assignment;
import exo.topology.RingPlan;
import exo.models.QuantFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `exo download MODEL`: the model file into the Hugging Face cache, or a shard of some layers. */
@Command(name = "download",
        description = {"Download MODEL's GGUF file into the Hugging Face cache, or with --layers only the "
                + "tensors of those layers, as a shard GGUF under the exo home ($EXO_HOME, default ~/.exo).",
                "A model published as gguf-split parts (NAME-00001-of-00009.gguf, ...) downloads as all its parts "
                + "(the path printed is the first's), or with --layers as one shard GGUF cut from whichever parts "
                + "hold those layers.",
                "Prints the path of the result on stdout; progress goes to stderr. A second run transfers nothing."},
        footer = {"", "Examples:", "  exo download stories-260k",
                "  exo download llama-3.1-8b --quant Q8_0 --layers 0-15",
                "  exo download deepseek-r1 --layers 0-22          (from 9 split parts, only those layers' bytes)",
                "", "Environment: HF_ENDPOINT (default https://huggingface.co); HF_TOKEN, or a token in "
                + "$HF_HOME/token, for gated and private models; HF_HOME or HF_HUB_CACHE for the cache; "
                + "HF_HUB_OFFLINE=1 to use only what is already here.",
                "Exit status 1 when the download fails, 2 for an unknown model, quantization, file or layer range, "
                + "3 when HF_HUB_OFFLINE is set and the file is not here."})
public final class DownloadCommand extends Subcommand {
    private static final Pattern LAYERS = Pattern.compile("(\\d+)(?:-(\\d+))?");

    @Mixin
    RegistryOption registry;

    @Parameters(index = "0", paramLabel = "MODEL", completionCandidates = Completions.ModelIds.class,
            description = "A model id from 'exo models'.")
    String model;

    @Option(names = "--quant", paramLabel = "QUANT", completionCandidates = Completions.Quants.class,
            description = "Quantization (default: the model's default).")
    String quant;

    @Option(names = "--layers", paramLabel = "A-B",
            description = "Only layers A to B (inclusive, from 0), as a shard GGUF; 'A' alone is one layer.")
    String layers;

    @Option(names = "--revision", paramLabel = "REV", defaultValue = "main",
            description = "Branch, tag or commit of the Hugging Face repository (default ${DEFAULT-VALUE}).")
    String revision;

    @Option(names = {"-q", "--quiet"}, description = "Show no progress.")
    boolean quiet;

    @Option(names = "--plan", description = "Fetch the slice that 'exo plan' (with the same --device, --tail, "
            + "--memory and --context options) gives this machine.")
    boolean plan;

    @Mixin
    PlanOptions planOptions;

    @Override
    public Integer call() throws Exception {
        ModelSpec m = registry.registry().get(model);
        QuantFile q = m.quant(quant);
        if (q.isByteSplit()) {
            throw new UserException(ExitCode.USAGE, m.id() + " " + q.quant() + " is cut into " + q.parts()
                    + " byte ranges (" + q.file() + ", ...), which exo download does not join; a gguf-split "
                    + "upload of the model downloads as its parts");
        }
        if (plan && layers != null) {
            throw UserException.usage("give --layers or --plan, not both");
        }
        if (!plan && planOptions.anyGiven()) {
            throw UserException.usage("--device, --tail, --memory, --context and --fetch-header go with --plan");
        }
        int[] range = plan ? planned(m, q) : layers == null ? null : parseLayers(layers, m);
        HubFile file = new HubFile(q.repo(), q.file(), revision);
        Map<String, String> env = System.getenv();
        HubCache cache = HubCache.fromEnvironment(env);
        Path result;
        Thread stopped = whenStopped(range == null);
        Runtime.getRuntime().addShutdownHook(stopped);
        try (HfClient client = new HfClient(HfSettings.fromEnvironment(env))) {
            ProgressListener progress = progress(err());
            if (range != null) {
                result = new ShardFetcher(client, cache, ShardStore.under(ExoHome.fromEnvironment(env).dir()))
                        .fetch(file, range[0], range[1] + 1, progress);
            } else {
                // A split file is its parts; llama.cpp and exo open the first, which names the others.
                result = null;
                for (String part : q.partFiles()) {
                    Path p = new FileDownloader(client, cache).download(new HubFile(q.repo(), part, revision), progress);
                    result = result == null ? p : result;
                }
            }
        } catch (HubException e) {
            throw new UserException(exitCode(e.reason()), e.getMessage());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopped);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it says why the download ends
            }
        }
        PrintWriter out = out();
        out.println(result);
        out.flush();
        return ExitCode.OK;
    }

    /**
     * The line Ctrl-C (or SIGTERM) leaves while the transfer runs: a whole file keeps what it
     * received and resumes from there; a slice is fetched again from its start.
     */
    private Thread whenStopped(boolean wholeFile) {
        PrintWriter err = err();
        return Thread.ofPlatform().name("exo-download-stopped").unstarted(() -> {
            err.println();
            err.println(wholeFile ? "exo: download paused; run the same command again to resume where it stopped"
                    : "exo: download stopped; run the same command again to fetch the slice");
            err.flush();
        });
    }

    /** This machine's slice in the plan the options describe: {first, last}, inclusive. */
    private int[] planned(ModelSpec m, QuantFile q) throws java.io.IOException {
        RingPlan ring = planOptions.compute(m, q).ring();
        Assignment mine = ring.partition().assignmentOf(PlanOptions.selfName());
        if (mine == null) {
            throw UserException.usage("this machine (" + PlanOptions.selfName() + ") gets no layers in that plan"
                    + (planOptions.devices.isEmpty() ? "" : "; add --device self"));
        }
        err().println("exo: this machine (" + PlanOptions.selfName() + ") holds layers "
                + mine.shard().start() + "-" + (mine.shard().end() - 1) + " of " + m.layers() + " as the " + mine.role().label());
        return new int[] {mine.shard().start(), mine.shard().end() - 1};
    }

    /** "A-B" or "A", checked against the model's layer count: {first, last}, inclusive. */
    static int[] parseLayers(String text, ModelSpec m) {
        Matcher matcher = LAYERS.matcher(text.strip());
        if (!matcher.matches()) {
            throw UserException.usage("--layers takes A-B (e.g. 0-15), not '" + text + "'");
        }
        int a = Integer.parseInt(matcher.group(1));
        int b = matcher.group(2) == null ? a : Integer.parseInt(matcher.group(2));
        if (a > b || b >= m.layers()) {
            throw UserException.usage("--layers " + text + " is not a range of " + m.id() + "'s layers 0-"
                    + (m.layers() - 1));
        }
        return new int[] {a, b};
    }

    private ProgressListener progress(PrintWriter err) {
        if (quiet) {
            return ProgressListener.NONE;
        }
        return ProgressListener.console(err);
    }

    private static int exitCode(HubException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> ExitCode.USAGE;
            case OFFLINE_MISSING -> ExitCode.STATE;
            default -> ExitCode.FAILURE;
        };
    }
}
