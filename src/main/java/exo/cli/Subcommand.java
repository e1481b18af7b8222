package exo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every exo subcommand has: -h/--help, its picocli spec, and where results (stdout) and
 * diagnostics (stderr) go.
 */
abstract class Subcommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    HelpOption helpOption;
    @Spec
    CommandSpec spec;

    /** Where results go: stdout. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Where diagnostics go: stderr. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints one indented JSON document to stdout, for scripts. */
    void printJson(JsonNode root) throws java.io.IOException {
        out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        out().flush();
    }

    /** A new JSON object for {@link #printJson}. */
    static com.fasterxml.jackson.databind.node.ObjectNode jsonObject() {
        return JSON.createObjectNode();
    }
}
