package exo.serve;

import exo.serve.http.Dispatcher;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * What {@code GET /metrics} shows, in Prometheus' text format: requests by endpoint, method and
 * status; prompt and generated tokens; time to first token and tokens per second per request
 * (histograms); sessions running and requests queued; open connections; each machine's busy
 * time and share.
 */
final class ServeMetrics implements Dispatcher.Observer {
    private record RequestKey(String endpoint, String method, int status) {
    }

    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final Histogram firstToken = new Histogram(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);
    private final Histogram tokensPerSecond = new Histogram(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000);
    private final NodeBusy busy = new NodeBusy();

    @Override
    public void finished(String endpoint, String method, int status, long nanos) {
        requests.computeIfAbsent(new RequestKey(endpoint, method, status), k -> new LongAdder()).increment();
    }

    /** Requests answered so far, every endpoint and status. */
    long requestsAnswered() {
        return requests.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** A generation ended (however): its tokens, its time to first token and its speed. */
    void generated(ServedModel.Result r, long receivedNanos) {
        promptTokens.add(r.promptTokens());
        completionTokens.add(r.completionTokens());
        if (r.firstTokenNanos() != 0) {
            firstToken.observe((r.firstTokenNanos() - receivedNanos) / 1e9);
        }
        long decode = r.stats().decodeNanos();
        if (r.completionTokens() > 1 && decode > 0) {
            tokensPerSecond.observe(r.completionTokens() / (decode / 1e9));
        }
    }

    /** The sources of the gauges, read when the metrics are. */
    record Gauges(Admission admission, IntSupplier connections, ModelHost models) {
    }

    String render(Gauges g) {
        PrometheusText out = new PrometheusText();
        out.metric("exo_http_requests_total", "counter", "HTTP requests answered, by endpoint (route pattern), "
                + "method and status; 499: the client left first");
        requests.entrySet().stream().sorted(Map.Entry.comparingByKey(java.util.Comparator
                        .comparing(RequestKey::endpoint).thenComparing(RequestKey::method)
                        .thenComparingInt(RequestKey::status)))
                .forEach(e -> out.sample("exo_http_requests_total", e.getValue().sum(), "endpoint", e.getKey().endpoint(),
                        "method", e.getKey().method(), "status", String.valueOf(e.getKey().status())));
        out.metric("exo_prompt_tokens_total", "counter", "Prompt tokens of the generations run");
        out.sample("exo_prompt_tokens_total", promptTokens.sum());
        out.metric("exo_generated_tokens_total", "counter", "Tokens generated");
        out.sample("exo_generated_tokens_total", completionTokens.sum());
        out.metric("exo_time_to_first_token_seconds", "histogram", "From a request's arrival to its first token "
                + "(queueing and prefill included)");
        firstToken.write(out, "exo_time_to_first_token_seconds");
        out.metric("exo_tokens_per_second", "histogram", "Each generation's decode speed");
        tokensPerSecond.write(out, "exo_tokens_per_second");
        out.metric("exo_sessions_running", "gauge", "Generations running now");
        out.sample("exo_sessions_running", g.admission().running());
        out.metric("exo_sessions_max", "gauge", "Generations that may run at once (--max-sessions)");
        out.sample("exo_sessions_max", g.admission().maxSessions());
        out.metric("exo_queue_waiting", "gauge", "Requests waiting for a turn");
        out.sample("exo_queue_waiting", g.admission().waiting());
        out.metric("exo_queue_max", "gauge", "Requests that may wait (--queue)");
        out.sample("exo_queue_max", g.admission().queue());
        out.metric("exo_http_connections_open", "gauge", "Client connections open now");
        out.sample("exo_http_connections_open", g.connections().getAsInt());
        var nodes = g.models().loaded().map(busy::of).orElse(java.util.List.of());
        out.metric("exo_node_busy_seconds_total", "counter", "Time each machine of the ring spent computing for this "
                + "server's model since the ring formed");
        nodes.forEach(n -> out.sample("exo_node_busy_seconds_total", n.busySeconds(), "node", n.name(), "layers",
                n.layers()));
        out.metric("exo_node_busy_share", "gauge", "Each machine's busy time over the time since the ring formed "
                + "(0 to 1)");
        nodes.forEach(n -> out.sample("exo_node_busy_share", n.share(), "node", n.name(), "layers", n.layers()));
        return out.toString();
    }
}
