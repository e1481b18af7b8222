package exo.cli;

import exo.node.ClusterSurvey;
import exo.peer.PeerMessage;
import exo.topology.Shard;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What `exo ps` draws: the nodes (address, uptime, the layers each has loaded, its sessions)
 * and the conversations going through them, each once with its ring, nodes named by their
 * labels. Watching, a last column marks the nodes that joined or were lost since the last draw.
 */
final class ClusterTable {
    /** A node no longer seen at all (it left the LAN), drawn once more to say it was lost. */
    record Gone(String label, String address) {
    }

    private ClusterTable() {
    }

    /**
     * The tables as text.
     *
     * @param marks "joined" or "lost" by node id; null when not watching (no column for them)
     * @param gone  lost nodes that {@code seen} no longer holds
     */
    static String draw(List<ClusterSurvey.Seen> seen, Map<String, String> labels, Map<String, String> marks,
                       List<Gone> gone) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        boolean watching = marks != null;
        if (seen.isEmpty() && gone.isEmpty()) {
            return "";
        }
        Table nodes = watching ? new Table("node", "address", "up", "loaded", "sessions", "")
                : new Table("node", "address", "up", "loaded", "sessions");
        for (ClusterSurvey.Seen s : seen) {
            String node = s.node() == null ? "?" : labels.getOrDefault(s.node().id(), s.node().name());
            String mark = watching && s.node() != null ? marks.getOrDefault(s.node().id(), "") : "";
            if (s.status().isEmpty()) {
                row(nodes, watching, mark, node, s.address(), "-", s.reachable() ? "(no answer)" : "(unreachable)", "-");
                continue;
            }
            PeerMessage.Status st = s.status().get();
            String loaded = st.shards().isEmpty() ? "-" : st.shards().stream().map(ClusterTable::shard)
                    .collect(Collectors.joining(", "));
            row(nodes, watching, mark, node, s.address(), PsCommand.duration(st.uptimeMillis()), loaded,
                    String.valueOf(st.sessions().size()));
        }
        for (Gone g : gone) {
            row(nodes, watching, "lost", g.label(), g.address(), "-", "(gone)", "-");
        }
        nodes.print(out);
        out.println();
        List<PsCommand.Conversation> conversations = PsCommand.conversations(seen);
        if (conversations.isEmpty()) {
            out.println("no sessions running");
        } else {
            Table t = new Table("session", "model", "ring (head -> tail)", "tokens", "idle");
            for (PsCommand.Conversation c : conversations) {
                t.row(c.session(), c.model(), c.ring().stream().map(id -> labels.getOrDefault(id, id))
                        .collect(Collectors.joining(" -> ")), String.valueOf(c.tokens()), PsCommand.duration(c.idleMillis()));
            }
            t.print(out);
        }
        out.flush();
        return text.toString();
    }

    private static void row(Table t, boolean watching, String mark, String... cells) {
        if (watching) {
            String[] withMark = java.util.Arrays.copyOf(cells, cells.length + 1);
            withMark[cells.length] = mark;
            t.row(withMark);
        } else {
            t.row(cells);
        }
    }

    /**
     * What the tables say, less what changes by itself with time (uptime, idle time): a watch
     * without a terminal prints a table when this changes.
     */
    static String content(List<ClusterSurvey.Seen> seen) {
        StringBuilder b = new StringBuilder();
        for (ClusterSurvey.Seen s : seen) {
            b.append(s.node() == null ? "?" : s.node().id()).append(' ').append(s.address()).append(' ')
                    .append(s.reachable()).append(' ');
            s.status().ifPresent(st -> b.append(st.shards()).append(' ').append(st.sessions().size()));
            b.append('\n');
        }
        for (PsCommand.Conversation c : PsCommand.conversations(seen)) {
            b.append(c.session()).append(' ').append(c.model()).append(' ').append(c.ring()).append(' ')
                    .append(c.tokens()).append('\n');
        }
        return b.toString();
    }

    static String shard(Shard s) {
        return s.model() + " [" + s.start() + ", " + s.end() + ") of " + s.layers();
    }
}
