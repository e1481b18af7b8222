package exo.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.node.ClusterSurvey;
import exo.peer.PeerMessage;
import exo.peer.SessionStatus;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `exo ps`: what the nodes of the cluster run now. */
@Command(name = "ps", description = {"Show what the exo nodes run now: the layers each has loaded and the "
        + "sessions (conversations) going through them, with their ring, length and idle time.",
        "It looks for nodes as 'exo peers' does (the LAN and the --peers given) and asks each one."},
        footer = {"", "Examples:", "  exo ps", "  exo ps --watch", "  exo ps --peers 127.0.0.1:52416 --discovery static --json"})
public final class PsCommand extends Subcommand {
    @Mixin
    JsonOption json;
    @Mixin
    SurveyOptions survey;

    @Option(names = "--watch", description = "Look again every 2 s until Ctrl-C, drawing the tables again in place and "
            + "marking the nodes that joined or were lost since the last draw; with no terminal, print each table that "
            + "changed once.")
    boolean watch;

    /** One conversation as the whole cluster sees it: the reports of every node of its ring merged. */
    record Conversation(String session, String model, List<String> ring, int tokens, long idleMillis) {
    }

    @Override
    public Integer call() throws Exception {
        if (watch) {
            if (json.json) {
                throw UserException.usage("--watch draws tables; --json takes one look");
            }
            java.io.Console console = System.console();
            try (ClusterSurvey open = survey.open()) {
                new PsWatch(out(), console != null && console.isTerminal()).run(open, survey.waitMillis,
                        survey.waitForPeers);
            }
            return ExitCode.OK;
        }
        List<ClusterSurvey.Seen> seen = survey.look(true);
        PrintWriter out = out();
        Map<String, String> names = ClusterSurvey.labels(seen);
        if (json.json) {
            printJson(out, seen, conversations(seen), names);
        } else if (seen.isEmpty()) {
            out.println("no exo nodes seen (waited " + survey.waitMillis + " ms; multicast "
                    + (survey.multicast() ? "on" : "off") + ")");
        } else {
            out.print(ClusterTable.draw(seen, names, null, List.of()));
        }
        out.flush();
        return ExitCode.OK;
    }

    /**
     * Each session once, however many nodes of its ring reported it: its length is the most
     * any node holds (the tail's, once a step has come round) and its idle time the least.
     */
    static List<Conversation> conversations(List<ClusterSurvey.Seen> seen) {
        Map<String, Conversation> merged = new LinkedHashMap<>();
        for (ClusterSurvey.Seen s : seen) {
            for (SessionStatus ss : s.status().map(PeerMessage.Status::sessions).orElse(List.of())) {
                // Two tails may name sessions alike; a session is its tail's.
                merged.merge(ss.tail() + "/" + ss.sessionId(),
                        new Conversation(ss.sessionId(), ss.modelId(), ss.ring(), ss.tokens(), ss.idleMillis()),
                        (a, b) -> new Conversation(a.session(), a.model(), a.ring(), Math.max(a.tokens(), b.tokens()),
                                Math.min(a.idleMillis(), b.idleMillis())));
            }
        }
        return List.copyOf(merged.values());
    }

    private void printJson(PrintWriter out, List<ClusterSurvey.Seen> seen, List<Conversation> conversations,
                           Map<String, String> labels) throws Exception {
        ObjectNode root = jsonObject();
        ArrayNode nodes = root.putArray("nodes");
        for (ClusterSurvey.Seen s : seen) {
            ObjectNode o = nodes.addObject();
            if (s.node() != null) {
                o.put("id", s.node().id()).put("name", s.node().name()).put("label", labels.get(s.node().id()));
            }
            o.put("address", s.address()).put("reachable", s.reachable()).put("answered", s.status().isPresent());
            s.status().ifPresent(st -> {
                o.put("uptime_ms", st.uptimeMillis());
                ArrayNode shards = o.putArray("loaded");
                st.shards().forEach(sh -> shards.addObject().put("model", sh.model()).put("start", sh.start())
                        .put("end", sh.end()).put("layers", sh.layers()));
                ArrayNode sessions = o.putArray("sessions");
                st.sessions().forEach(ss -> {
                    ObjectNode x = sessions.addObject().put("session", ss.sessionId()).put("model", ss.modelId())
                            .put("start", ss.start()).put("end", ss.end()).put("tokens", ss.tokens())
                            .put("idle_ms", ss.idleMillis());
                    ss.ring().forEach(x.putArray("ring")::add);
                });
            });
        }
        ArrayNode sessions = root.putArray("sessions");
        for (Conversation c : conversations) {
            ObjectNode x = sessions.addObject().put("session", c.session()).put("model", c.model())
                    .put("tail", c.ring().getLast()).put("tokens", c.tokens()).put("idle_ms", c.idleMillis());
            c.ring().forEach(x.putArray("ring")::add);
        }
        printJson(root);
    }

    /** "12 s", "5 min", "3 h", "2 d": as precise as a glance needs. */
    static String duration(long millis) {
        long s = millis / 1000;
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        if (s < 2 * 86400) {
            return s / 3600 + " h";
        }
        return s / 86400 + " d";
    }
}
