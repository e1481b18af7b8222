package exo.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import exo.download.HubCache;
import exo.download.LocalModels;
import exo.download.ShardStore;
import exo.node.ExoHome;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `exo ls`: the model files on this machine. */
@Command(name = "ls",
        description = {"List the model files on this machine: whole files in the Hugging Face cache and shards "
                + "(some layers) under the exo home, with the models.yaml model and quantization each is."},
        footer = {"", "Environment: HF_HOME or HF_HUB_CACHE for the cache, EXO_HOME for the shards."})
public final class LsCommand implements Callable<Integer> {
    @Mixin
    HelpOption helpOption;
    @Spec
    CommandSpec spec;
    @Mixin
    JsonOption json;
    @Mixin
    RegistryOption registry;

    @Override
    public Integer call() throws Exception {
        List<LocalModels.Entry> entries = local(registry, System.getenv()).list();
        PrintWriter out = spec.commandLine().getOut();
        if (json.json) {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode arr = mapper.createArrayNode();
            for (LocalModels.Entry e : entries) {
                arr.addObject().put("model", e.model()).put("quant", e.quant()).put("layers", e.layers())
                        .put("size_bytes", e.bytes()).put("path", e.path().toString());
            }
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.createObjectNode().set("files", arr)));
        } else if (entries.isEmpty()) {
            spec.commandLine().getErr().println("exo: no model files on this machine yet (exo download MODEL fetches one)");
        } else {
            Table t = new Table("model", "quant", "layers", "size", "path");
            for (LocalModels.Entry e : entries) {
                t.row(e.model(), e.quant(), e.layers(), ByteSize.format(e.bytes()), e.path().toString());
            }
            t.print(out);
        }
        out.flush();
        return ExitCode.OK;
    }

    static LocalModels local(RegistryOption registry, Map<String, String> env) {
        return new LocalModels(HubCache.fromEnvironment(env), ShardStore.under(ExoHome.fromEnvironment(env).dir()),
                registry.registry());
    }
}
