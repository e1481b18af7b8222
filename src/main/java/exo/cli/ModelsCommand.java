package exo.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.models.ModelSpec;
import exo.models.QuantFile;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** `exo models`: the models users can name, from models.yaml. */
@Command(name = "models", description = "List the models exo knows (from models.yaml).")
public final class ModelsCommand extends Subcommand {
    @Mixin
    JsonOption json;
    @Mixin
    RegistryOption registry;

    @Override
    public Integer call() throws Exception {
        List<ModelSpec> models = registry.registry().all();
        PrintWriter out = out();
        if (json.json) {
            ObjectNode root = jsonObject();
            ArrayNode arr = root.putArray("models");
            for (ModelSpec m : models) {
                ObjectNode o = arr.addObject();
                o.put("id", m.id()).put("name", m.name()).put("architecture", m.architecture().id())
                        .put("layers", m.layers()).put("embedding", m.shape().embedding())
                        .put("heads", m.shape().heads()).put("kv_heads", m.shape().kvHeads())
                        .put("head_dim", m.shape().headDim()).put("ffn", m.shape().ffn())
                        .put("vocab", m.shape().vocab()).put("context", m.context())
                        .put("parameters", m.parameters()).put("active_parameters", m.activeParameters())
                        .put("experts", m.shape().experts().count())
                        .put("experts_used", m.shape().experts().used())
                        .put("default_quant", m.defaultQuant());
                ArrayNode qs = o.putArray("quants");
                for (QuantFile q : m.quants().values()) {
                    qs.addObject().put("quant", q.quant()).put("repo", q.repo()).put("file", q.file())
                            .put("size_bytes", q.size()).put("parts", q.parts());
                }
            }
            printJson(root);
        } else {
            Table t = new Table("id", "architecture", "layers", "parameters", "active", "quantizations (size)");
            for (ModelSpec m : models) {
                String quants = m.quants().values().stream()
                        .map(q -> q.quant() + (q.quant().equals(m.defaultQuant()) ? "*" : "") + " "
                                + ByteSize.format(q.size()) + (q.parts() > 1 ? " in " + q.parts() + " parts" : ""))
                        .collect(Collectors.joining(", "));
                t.row(m.id(), m.architecture().id(), String.valueOf(m.layers()), parameters(m.parameters()),
                        parameters(m.activeParameters()), quants);
            }
            t.print(out);
            out.println("* default quantization; active: the parameters one token reads (a mixture of experts "
                    + "runs only the experts it routes each token to)");
        }
        out.flush();
        return ExitCode.OK;
    }

    static String parameters(long n) {
        if (n >= 1_000_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fT", n / 1e12);
        }
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1fB", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.0fM", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.0fK", n / 1e3);
    }
}
