package exo.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.node.ClusterSurvey;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** `exo peers`: the nodes this machine sees now. */
@Command(name = "peers", description = {"List the exo nodes this machine sees now, each checked with a handshake.",
                "It looks on the LAN (multicast DNS) and at the --peers given; it does not join the cluster to look."},
        footer = {"", "Examples:", "  exo peers", "  exo peers --peers 192.168.1.10:52416 --json"})
public final class PeersCommand extends Subcommand {
    @Mixin
    JsonOption json;

    @Mixin
    SurveyOptions survey;

    @Override
    public Integer call() throws Exception {
        List<ClusterSurvey.Seen> seen = survey.look();
        PrintWriter out = out();
        if (json.json) {
            ObjectNode root = jsonObject();
            ArrayNode arr = root.putArray("peers");
            for (ClusterSurvey.Seen s : seen) {
                ObjectNode o = arr.addObject();
                if (s.node() != null) {
                    o.put("id", s.node().id()).put("name", s.node().name())
                            .put("memory_bytes", s.node().device().memoryBytes()).put("cores", s.node().device().cores())
                            .put("flops", s.node().device().flops())
                            .put("engine", s.node().device().engine().isEmpty() ? null : s.node().device().engine());
                }
                o.put("address", s.address()).put("source", s.source()).put("reachable", s.reachable());
                if (s.lastSeen() != null) {
                    o.put("last_seen", s.lastSeen().toString());
                }
            }
            printJson(root);
        } else if (seen.isEmpty()) {
            out.println("no peers seen (waited " + survey.waitMillis + " ms; multicast " + (survey.multicast() ? "on" : "off")
                    + ")");
        } else {
            Table t = new Table("id", "name", "address", "engine", "memory", "cores", "gflops", "last seen", "reachable");
            for (ClusterSurvey.Seen s : seen) {
                var n = s.node();
                t.row(n == null ? "?" : n.id(), n == null ? "?" : n.name(), s.address(),
                        n == null || n.device().engine().isEmpty() ? "?" : n.device().engine(),
                        n == null ? "?" : ByteSize.format(n.device().memoryBytes()),
                        n == null ? "?" : String.valueOf(n.device().cores()),
                        n == null ? "?" : String.format(Locale.ROOT, "%.1f", n.device().flops() / 1e9),
                        s.lastSeen() == null ? "-" : Duration.between(s.lastSeen(), Instant.now()).toSeconds() + " s ago",
                        s.reachable() ? "yes" : "no");
            }
            t.print(out);
        }
        out.flush();
        return ExitCode.OK;
    }
}
