package exo.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * The results of one {@code exo bench} run, in every form it prints: cells for a text or
 * Markdown table, CSV and JSON. Rows that llama.cpp was measured beside get their ratio.
 *
 * @param bandwidth the machine's measured read bandwidth in bytes/s, when it was measured
 */
public record BenchReport(List<BenchRow> rows, OptionalDouble bandwidth) {

    public BenchReport {
        rows = List.copyOf(rows);
    }

    /** Columns of the table forms; the CSV and JSON carry each figure separately. */
    static final List<String> COLUMNS = List.of("model", "size", "params", "engine", "backend", "threads",
            "nodes", "sessions", "test", "t/s", "per session", "ttft ms", "vs llama.cpp", "of bandwidth", "hop ms",
            "wire/token", "busy");

    /** Fills in each row's ratio to the llama.cpp row of the same threads, nodes, sessions and test. */
    public static List<BenchRow> withRatios(List<BenchRow> rows) {
        List<BenchRow> out = new ArrayList<>();
        for (BenchRow r : rows) {
            BenchRow ref = rows.stream().filter(x -> x.engine().equals("llama.cpp") && x.threads() == r.threads()
                    && x.nodes() == r.nodes() && x.sessions() == r.sessions() && x.test().equals(r.test()))
                    .findFirst().orElse(null);
            out.add(ref == null ? r : r.withRatio(r.tokensPerSecond() / ref.tokensPerSecond()));
        }
        return out;
    }

    /** The ring's columns, shown only when some row ran through a ring. */
    private static final int RING_COLUMNS = 3;

    /** The table's columns: {@link #COLUMNS}, without the ring's when every row ran on one machine. */
    public List<String> columns() {
        return throughRing() ? COLUMNS : COLUMNS.subList(0, COLUMNS.size() - RING_COLUMNS);
    }

    private boolean throughRing() {
        return rows.stream().anyMatch(r -> r.ring().isPresent());
    }

    /** One list of strings per row, as many as {@link #columns()}. */
    public List<List<String>> cells() {
        List<List<String>> out = new ArrayList<>();
        for (List<String> row : allCells()) {
            out.add(row.subList(0, columns().size()));
        }
        return out;
    }

    private List<List<String>> allCells() {
        List<List<String>> out = new ArrayList<>();
        for (BenchRow r : rows) {
            out.add(List.of(r.model(), gib(r.sizeBytes()), params(r.parameters()), r.engine(), r.backend(),
                    String.valueOf(r.threads()), String.valueOf(r.nodes()), String.valueOf(r.sessions()), r.test(),
                    fmt("%.2f ± %.2f", r.tokensPerSecond(), r.stddev()), fmt("%.2f", r.perSession()),
                    fmt("%.1f", r.ttftMillis()),
                    r.vsLlamaCpp().isPresent() ? fmt("%.2f", r.vsLlamaCpp().getAsDouble()) : "-",
                    r.bandwidthShare().isPresent() ? fmt("%.0f%%", 100 * r.bandwidthShare().getAsDouble()) : "-",
                    r.ring().map(g -> fmt("%.2f", g.hopMillis())).orElse("-"),
                    r.ring().map(g -> bytes(g.wireBytesPerToken())).orElse("-"),
                    r.ring().map(RingFigures::busy).orElse("-")));
        }
        return out;
    }

    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| ").append(String.join(" | ", columns())).append(" |\n");
        b.append("|").append(columns().stream().map(c -> " --- ").collect(Collectors.joining("|"))).append("|\n");
        for (List<String> row : cells()) {
            b.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        bandwidth.ifPresent(bw -> b.append("\nmemory read bandwidth: ").append(fmt("%.1f GB/s", bw / 1e9)).append('\n'));
        return b.toString();
    }

    public static final List<String> CSV_COLUMNS = List.of("model", "size_bytes", "parameters", "engine", "backend",
            "threads", "nodes", "sessions", "test", "tokens_per_second", "stddev", "per_session_tokens_per_second",
            "ttft_ms", "vs_llama_cpp", "bandwidth_share", "hop_ms", "wire_bytes_per_token", "node_compute_shares");

    public String csv() {
        StringBuilder b = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
        for (BenchRow r : rows) {
            b.append(String.join(",", quote(r.model()), String.valueOf(r.sizeBytes()), String.valueOf(r.parameters()),
                    quote(r.engine()), quote(r.backend()), String.valueOf(r.threads()), String.valueOf(r.nodes()),
                    String.valueOf(r.sessions()), r.test(), fmt("%.4f", r.tokensPerSecond()), fmt("%.4f", r.stddev()),
                    fmt("%.4f", r.perSession()), fmt("%.3f", r.ttftMillis()),
                    r.vsLlamaCpp().isPresent() ? fmt("%.4f", r.vsLlamaCpp().getAsDouble()) : "",
                    r.bandwidthShare().isPresent() ? fmt("%.4f", r.bandwidthShare().getAsDouble()) : "",
                    r.ring().map(g -> fmt("%.4f", g.hopMillis())).orElse(""),
                    r.ring().map(g -> fmt("%.1f", g.wireBytesPerToken())).orElse(""),
                    r.ring().map(g -> quote(g.nodes().stream().map(n -> n.node() + "=" + fmt("%.4f", n.computeShare()))
                            .collect(Collectors.joining(";")))).orElse(""))).append('\n');
        }
        return b.toString();
    }

    public String json() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        if (bandwidth.isPresent()) {
            root.put("bandwidth_bytes_per_second", bandwidth.getAsDouble());
        } else {
            root.putNull("bandwidth_bytes_per_second");
        }
        ArrayNode arr = root.putArray("results");
        for (BenchRow r : rows) {
            ObjectNode o = arr.addObject().put("model", r.model()).put("size_bytes", r.sizeBytes())
                    .put("parameters", r.parameters()).put("engine", r.engine()).put("backend", r.backend())
                    .put("threads", r.threads()).put("nodes", r.nodes()).put("sessions", r.sessions())
                    .put("test", r.test()).put("tokens_per_second", r.tokensPerSecond()).put("stddev", r.stddev())
                    .put("per_session_tokens_per_second", r.perSession()).put("ttft_ms", r.ttftMillis());
            if (r.vsLlamaCpp().isPresent()) {
                o.put("vs_llama_cpp", r.vsLlamaCpp().getAsDouble());
            } else {
                o.putNull("vs_llama_cpp");
            }
            if (r.bandwidthShare().isPresent()) {
                o.put("bandwidth_share", r.bandwidthShare().getAsDouble());
            } else {
                o.putNull("bandwidth_share");
            }
            if (r.ring().isPresent()) {
                RingFigures g = r.ring().get();
                ObjectNode ring = o.putObject("ring").put("hop_ms", g.hopMillis())
                        .put("wire_bytes_per_token", g.wireBytesPerToken());
                ArrayNode nodes = ring.putArray("nodes");
                for (RingFigures.NodeShare n : g.nodes()) {
                    nodes.addObject().put("node", n.node()).put("layers", n.layers())
                            .put("compute_share", n.computeShare()).put("queue_share", n.queueShare())
                            .put("waiting_share", n.waitingShare());
                }
            } else {
                o.putNull("ring");
            }
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    /** A byte count per token: B below 1 KiB, KiB above. */
    static String bytes(double b) {
        return b >= 1024 ? fmt("%.1f KiB", b / 1024) : fmt("%.0f B", b);
    }

    static String gib(long bytes) {
        return bytes >= 1L << 30 ? fmt("%.2f GiB", bytes / (double) (1L << 30)) : fmt("%.1f MiB", bytes / (double) (1L << 20));
    }

    static String params(long n) {
        return n >= 1_000_000_000L ? fmt("%.2f B", n / 1e9) : n >= 1_000_000 ? fmt("%.1f M", n / 1e6) : fmt("%.1f K", n / 1e3);
    }
}
