package exo.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.download.HubCache;
import exo.download.LocalModels;
import exo.download.ShardStore;
import exo.node.ExoHome;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** `exo ls`: the model files on this machine. */
@Command(name = "ls",
        description = {"List the model files on this machine: whole files in the Hugging Face cache and shards "
                + "(some layers) under the exo home, with the models.yaml model and quantization each is."},
        footer = {"", "Environment: HF_HOME or HF_HUB_CACHE for the cache, EXO_HOME for the shards."})
public final class LsCommand extends Subcommand {
    @Mixin
    JsonOption json;
    @Mixin
    RegistryOption registry;

    @Override
    public Integer call() throws Exception {
        List<LocalModels.Entry> entries = local(registry, System.getenv()).list();
        PrintWriter out = out();
        if (json.json) {
            ObjectNode root = jsonObject();
            ArrayNode arr = root.putArray("files");
            for (LocalModels.Entry e : entries) {
                arr.addObject().put("model", e.model()).put("quant", e.quant()).put("layers", e.layers())
                        .put("size_bytes", e.bytes()).put("path", e.path().toString());
            }
            printJson(root);
        } else if (entries.isEmpty()) {
            err().println("exo: no model files on this machine yet (exo download MODEL fetches one)");
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
