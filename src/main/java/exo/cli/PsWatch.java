package exo.cli;

import exo.node.ClusterSurvey;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * `exo ps --watch`: looks at the cluster every {@link #INTERVAL_MILLIS} through one survey kept
 * open, until Ctrl-C. On a terminal it draws the tables again in place each time; to a file or
 * a pipe it prints a table only when what it says changed (uptimes and idle times aside), so a
 * log of the output is the cluster's history. Either way each draw marks the nodes that joined
 * or were lost since the draw before.
 */
final class PsWatch {
    static final long INTERVAL_MILLIS = 2_000;
    /** Cursor home; each line then clears its own rest, and the screen below the last is cleared (no flicker). */
    private static final String HOME = "\033[H";
    private static final String CLEAR_LINE = "\033[K";
    private static final String CLEAR_BELOW = "\033[J";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintWriter out;
    private final boolean terminal;
    /** The nodes that answered at the last draw, by id. */
    private Map<String, ClusterSurvey.Seen> drawn;
    private String drawnContent;

    PsWatch(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Looks and draws until interrupted (Ctrl-C ends the process). */
    void run(ClusterSurvey survey, long firstWaitMillis, int expected) throws InterruptedException {
        long wait = firstWaitMillis;
        int waitFor = expected;
        while (!Thread.currentThread().isInterrupted()) {
            long started = System.currentTimeMillis();
            step(survey.look(wait, waitFor, true), LocalTime.now());
            wait = 0;
            waitFor = 0;
            Thread.sleep(Math.max(100, INTERVAL_MILLIS - (System.currentTimeMillis() - started)));
        }
    }

    /** One look's worth: draws it (on a terminal always, else when it says something new). */
    void step(List<ClusterSurvey.Seen> seen, LocalTime now) {
        String content = ClusterTable.content(seen);
        if (!terminal && content.equals(drawnContent)) {
            return;
        }
        Map<String, ClusterSurvey.Seen> answering = new LinkedHashMap<>();
        Map<String, ClusterSurvey.Seen> everyNode = new LinkedHashMap<>();
        for (ClusterSurvey.Seen s : seen) {
            if (s.node() != null) {
                everyNode.put(s.node().id(), s);
                if (s.reachable()) {
                    answering.put(s.node().id(), s);
                }
            }
        }
        Map<String, String> marks = new LinkedHashMap<>();
        List<ClusterSurvey.Seen> labelled = new ArrayList<>(seen);
        List<String> goneIds = new ArrayList<>();
        if (drawn != null) {
            answering.keySet().stream().filter(id -> !drawn.containsKey(id)).forEach(id -> marks.put(id, "joined"));
            for (Map.Entry<String, ClusterSurvey.Seen> e : drawn.entrySet()) {
                if (!answering.containsKey(e.getKey())) {
                    marks.put(e.getKey(), "lost");
                    if (!everyNode.containsKey(e.getKey())) {
                        labelled.add(e.getValue());
                        goneIds.add(e.getKey());
                    }
                }
            }
        }
        // A lost node keeps the label it had, beside the nodes still here.
        Map<String, String> labels = ClusterSurvey.labels(labelled);
        List<ClusterTable.Gone> gone = goneIds.stream()
                .map(id -> new ClusterTable.Gone(labels.get(id), drawn.get(id).address())).toList();
        String tables = ClusterTable.draw(seen, labels, marks, gone);
        String time = now.format(CLOCK);
        String body = tables.isEmpty() ? "no exo nodes seen\n" : tables;
        if (terminal) {
            StringBuilder screen = new StringBuilder(HOME);
            String head = "exo ps --watch, " + time + " (every " + INTERVAL_MILLIS / 1000 + " s; Ctrl-C stops)\n\n";
            (head + body).lines().forEach(l -> screen.append(l).append(CLEAR_LINE).append('\n'));
            out.print(screen.append(CLEAR_BELOW));
        } else {
            out.println("exo ps at " + time + (marks.isEmpty() ? "" : ": " + summary(marks, labels)));
            out.println();
            out.print(body);
            out.println();
        }
        out.flush();
        drawn = answering;
        drawnContent = content;
    }

    /** "joined: node-b; lost: node-c". */
    private static String summary(Map<String, String> marks, Map<String, String> labels) {
        List<String> parts = new ArrayList<>();
        for (String kind : List.of("joined", "lost")) {
            List<String> names = marks.entrySet().stream().filter(e -> e.getValue().equals(kind))
                    .map(e -> labels.getOrDefault(e.getKey(), e.getKey())).toList();
            if (!names.isEmpty()) {
                parts.add(kind + ": " + String.join(", ", names));
            }
        }
        return String.join("; ", parts);
    }
}
