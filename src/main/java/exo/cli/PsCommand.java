package exo.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.node.ClusterSurvey;
import exo.peer.PeerMessage;
import exo.peer.SessionStatus;
import exo.topology.Shard;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** `exo ps`: what the nodes of the cluster run now. */
@Command(name = "ps", description = {"Show what the exo nodes run now: the layers each has loaded and the "
        + "sessions (conversations) going through them, with their ring, length and idle time.",
        "It looks for nodes as 'exo peers' does (the LAN and the --peers given) and asks each one."},
        footer = {"", "Examples:", "  exo ps", "  exo ps --peers 127.0.0.1:52416 --discovery static --json"})
public final class PsCommand extends Subcommand {
    @Mixin
    JsonOption json;
    @Mixin
    SurveyOptions survey;

    /** One conversation as the whole cluster sees it: the reports of every node of its ring merged. */
    record Conversation(String session, String model, List<String> ring, int tokens, long idleMillis) {
    }

    @Override
    public Integer call() throws Exception {
        List<ClusterSurvey.Seen> seen = survey.look(true);
        PrintWriter out = out();
        Map<String, String> names = new LinkedHashMap<>();
        for (ClusterSurvey.Seen s : seen) {
            if (s.node() != null) {
                names.put(s.node().id(), s.node().name());
            }
        }
        List<Conversation> conversations = conversations(seen);
        if (json.json) {
            printJson(out, seen, conversations);
        } else if (seen.isEmpty()) {
            out.println("no exo nodes seen (waited " + survey.waitMillis + " ms; multicast "
                    + (survey.multicast() ? "on" : "off") + ")");
        } else {
            Table nodes = new Table("node", "address", "up", "loaded", "sessions");
            for (ClusterSurvey.Seen s : seen) {
                String node = s.node() == null ? "?" : s.node().name();
                if (s.status().isEmpty()) {
                    nodes.row(node, s.address(), "-", s.reachable() ? "(no answer)" : "(unreachable)", "-");
                    continue;
                }
                PeerMessage.Status st = s.status().get();
                String loaded = st.shards().isEmpty() ? "-" : st.shards().stream().map(PsCommand::shard)
                        .collect(Collectors.joining(", "));
                nodes.row(node, s.address(), duration(st.uptimeMillis()), loaded, String.valueOf(st.sessions().size()));
            }
            nodes.print(out);
            out.println();
            if (conversations.isEmpty()) {
                out.println("no sessions running");
            } else {
                Table t = new Table("session", "model", "ring (head -> tail)", "tokens", "idle");
                for (Conversation c : conversations) {
                    t.row(c.session(), c.model(), c.ring().stream().map(id -> names.getOrDefault(id, id))
                            .collect(Collectors.joining(" -> ")), String.valueOf(c.tokens()), duration(c.idleMillis()));
                }
                t.print(out);
            }
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

    private void printJson(PrintWriter out, List<ClusterSurvey.Seen> seen, List<Conversation> conversations)
            throws Exception {
        ObjectNode root = jsonObject();
        ArrayNode nodes = root.putArray("nodes");
        for (ClusterSurvey.Seen s : seen) {
            ObjectNode o = nodes.addObject();
            if (s.node() != null) {
                o.put("id", s.node().id()).put("name", s.node().name());
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

    private static String shard(Shard s) {
        return s.model() + " [" + s.start() + ", " + s.end() + ") of " + s.layers();
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
