package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import exo.InvalidInputException;
import exo.serve.http.AccessLog;
import exo.serve.http.BrowserPolicy;
import exo.serve.http.Dispatcher;
import exo.serve.http.Exchange;
import exo.serve.http.HttpError;
import exo.serve.http.HttpLimits;
import exo.serve.http.HttpServer;
import exo.serve.http.Request;
import exo.serve.http.Routes;
import exo.serve.http.Routes.Access;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code exo serve}'s API: the route table (OpenAI's under /v1, Ollama's under /api, exo's own,
 * the chat page and /metrics) over the HTTP transport ({@link HttpServer}), admission of
 * generations, and metrics. Handlers see the transport only as {@link Request} and
 * {@link Exchange}; a new endpoint is one line in {@link #routes()} and a method.
 */
public final class HttpApi implements AutoCloseable {

    /** How the server is set up: where it listens and what it allows. */
    public record Settings(InetSocketAddress address, String apiKey, int maxSessions, int queue, HttpLimits limits,
                           List<String> allowedOrigins, AccessLog.Format logFormat) {
        public Settings {
            allowedOrigins = List.copyOf(allowedOrigins);
            if (maxSessions < 1 || queue < 0) {
                throw new IllegalArgumentException("sessions " + maxSessions + ", queue " + queue);
            }
        }
    }

    private final ModelHost models;
    private final Admission admission;
    private final ServeMetrics metrics = new ServeMetrics();
    private final AccessLog log;
    private final Generations generations;
    /** Responses API answers kept for previous_response_id: the last 1,000, 64 M characters at most. */
    private final ResponseStore responses = new ResponseStore(1000, 64L << 20);
    private final Map<String, byte[]> page;
    private final ClusterView cluster;
    private final ClusterEvents clusterEvents;
    private final NodeBusy busy = new NodeBusy();
    private final HttpServer server;

    private HttpApi(Settings settings, ModelHost models, AccessLog log) throws IOException {
        this.models = models;
        this.log = log;
        this.admission = new Admission(settings.maxSessions(), settings.queue());
        this.generations = new Generations(admission, metrics, log);
        this.page = loadPage();
        this.cluster = new ClusterView(models, admission);
        this.clusterEvents = new ClusterEvents(cluster);
        boolean loopback = settings.address().getAddress() != null && settings.address().getAddress().isLoopbackAddress();
        Dispatcher dispatcher = new Dispatcher(routes(), new BrowserPolicy(loopback, settings.allowedOrigins()),
                settings.apiKey(), log, metrics, HttpApi::refusal);
        this.server = HttpServer.start(settings.address(), settings.limits(), dispatcher);
    }

    /** Starts serving {@code models}; each request is logged to {@code log}. */
    public static HttpApi start(Settings settings, ModelHost models, AccessLog log) throws IOException {
        return new HttpApi(settings, models, log);
    }

    public int port() {
        return server.address().getPort();
    }

    private Routes routes() {
        return new Routes(OpenAiApi::error)
                .family("/api/", OllamaApi::error)
                .family("/v1/messages", AnthropicApi::error)
                .get("/health", Access.OPEN, (r, ex) -> ex.json(200, OpenAiApi.JSON.createObjectNode().put("status", "ok")))
                // the page asks for the key itself, so it loads without one
                .get("/", Access.OPEN, (r, ex) -> page(ex, "index.html", "text/html; charset=utf-8"))
                .get("/app.js", Access.OPEN, (r, ex) -> page(ex, "app.js", "text/javascript; charset=utf-8"))
                .get("/md.js", Access.OPEN, (r, ex) -> page(ex, "md.js", "text/javascript; charset=utf-8"))
                .get("/cluster.js", Access.OPEN, (r, ex) -> page(ex, "cluster.js", "text/javascript; charset=utf-8"))
                .get("/style.css", Access.OPEN, (r, ex) -> page(ex, "style.css", "text/css; charset=utf-8"))
                .get("/metrics", Access.KEY, (r, ex) -> ex.bytes(200, PrometheusText.CONTENT_TYPE, metrics
                        .render(new ServeMetrics.Gauges(admission, server::connections, models))
                        .getBytes(StandardCharsets.UTF_8)))
                .get("/exo/ring", Access.KEY, (r, ex) -> ex.json(200, cluster.state(ClusterView.sinceFormed(busy))))
                .get("/exo/ring/events", Access.KEY, (r, ex) -> clusterEvents.stream(ex))
                .get("/v1/models", Access.KEY, (r, ex) -> ex.json(200, OpenAiApi.models(models)))
                .get("/v1/models/{id}", Access.KEY, (r, ex) -> ex.json(200, OpenAiApi.model(models, r.pathParam("id"))))
                .post("/v1/chat/completions", Access.KEY, (r, ex) -> openAi(r, ex, true))
                .post("/v1/completions", Access.KEY, (r, ex) -> openAi(r, ex, false))
                .post("/v1/responses", Access.KEY, this::responses)
                .get("/v1/responses/{id}", Access.KEY, (r, ex) -> ex.json(200, ResponsesApi.get(responses, r.pathParam("id"))))
                .post("/v1/messages", Access.KEY, this::anthropic)
                .post("/v1/messages/count_tokens", Access.KEY, this::countTokens)
                .post("/apply-template", Access.KEY, this::applyTemplate)
                .get("/api/tags", Access.KEY, (r, ex) -> ex.json(200, OllamaApi.tags(models)))
                .get("/api/version", Access.KEY, (r, ex) -> ex.json(200, OllamaApi.version()))
                .get("/api/ps", Access.KEY, (r, ex) -> ex.json(200, OllamaApi.ps(models)))
                .post("/api/show", Access.KEY, this::ollamaShow)
                .post("/api/chat", Access.KEY, (r, ex) -> ollama(r, ex, true))
                .post("/api/generate", Access.KEY, (r, ex) -> ollama(r, ex, false));
    }

    /**
     * What a handler's exception means for its client: the API's own refusal, a user's bad input
     * (400 naming the field), or null for a fault of exo (500).
     */
    static HttpError refusal(RuntimeException e) {
        if (e instanceof HttpError h) {
            return h;
        }
        if (e instanceof InvalidInputException bad) {
            // What the request asked for is wrong (a conversation the template refuses, a value out of range).
            return ApiError.badRequest(bad.field().orElse(null), bad.getMessage());
        }
        return null;
    }

    private void openAi(Request request, Exchange exchange, boolean chat) {
        JsonNode body = request.json();
        try (Lease lease = lease(body, "model")) {
            OpenAiApi api = new OpenAiApi(lease.model());
            OpenAiApi.Call call = chat ? api.parseChat(body) : api.parseCompletion(body);
            generations.answer(exchange, lease.model(), call.ask(), call.stream(), api.framing(call));
        }
    }

    /** Ollama's /api/chat and /api/generate: NDJSON lines while streaming, else one object. */
    private void ollama(Request request, Exchange exchange, boolean chat) {
        JsonNode body = request.json();
        try (Lease lease = lease(body, "model")) {
            OllamaApi api = new OllamaApi(lease.model());
            OllamaApi.Call call = chat ? api.parseChat(body) : api.parseGenerate(body);
            generations.answer(exchange, lease.model(), call.ask(), call.stream(), api.framing(call));
        }
    }

    /** OpenAI's Responses API: typed server-sent events while streaming, else one response object. */
    private void responses(Request request, Exchange exchange) {
        JsonNode body = request.json();
        try (Lease lease = lease(body, "model")) {
            ResponsesApi api = new ResponsesApi(lease.model(), responses);
            ResponsesApi.Call call = api.parse(body);
            generations.answer(exchange, lease.model(), call.ask(), call.stream(), api.framing(call));
        }
    }

    /** Anthropic's Messages API: typed server-sent events while streaming, else one message. */
    private void anthropic(Request request, Exchange exchange) {
        JsonNode body = request.json();
        try (Lease lease = lease(body, "model")) {
            AnthropicApi api = new AnthropicApi(lease.model());
            AnthropicApi.Call call = api.parse(body);
            generations.answer(exchange, lease.model(), call.ask(), call.stream(), api.framing(call));
        }
    }

    /** Anthropic's count_tokens: the prompt's tokens, counted in bounded memory, without generating. */
    private void countTokens(Request request, Exchange exchange) {
        JsonNode body = request.json();
        try (Lease lease = lease(body, "model")) {
            ServedModel.Prompt.Chat prompt = new AnthropicApi(lease.model()).countable(body);
            exchange.json(200, AnthropicApi.count(lease.model().tokens(prompt, exchange::gone).tokens().length));
        }
    }

    private void applyTemplate(Request request, Exchange exchange) {
        JsonNode body = request.json();
        try (Lease lease = lease(body, "model")) {
            exchange.json(200, OpenAiApi.JSON.createObjectNode()
                    .put("prompt", new OpenAiApi(lease.model()).renderTemplate(body)));
        }
    }

    private void ollamaShow(Request request, Exchange exchange) {
        JsonNode body = request.json();
        try (Lease lease = lease(body, body.has("model") ? "model" : "name")) {
            exchange.json(200, new OllamaApi(lease.model()).show(body));
        }
    }

    /** The model a request uses, handed back to the host when the request ends (a host that swaps models waits for it). */
    private final class Lease implements AutoCloseable {
        private final ServedModel model;

        Lease(ServedModel model) {
            this.model = model;
        }

        ServedModel model() {
            return model;
        }

        @Override
        public void close() {
            models.done(model);
        }
    }

    /** The model a request's {@code field} names (or the server's, when it names none). */
    private Lease lease(JsonNode body, String field) {
        JsonNode name = body.path(field);
        if (!name.isMissingNode() && !name.isNull() && !name.isTextual()) {
            throw ApiError.badRequest(field, field + " must be a string");
        }
        return new Lease(models.get(name.isTextual() ? name.asText() : null));
    }

    private void page(Exchange exchange, String file, String contentType) {
        exchange.bytes(200, contentType, page.get(file));
    }

    /** The chat page's files, read from the jar once. */
    private static Map<String, byte[]> loadPage() throws IOException {
        Map<String, byte[]> files = new java.util.HashMap<>();
        for (String file : List.of("index.html", "app.js", "md.js", "cluster.js", "style.css")) {
            try (InputStream in = HttpApi.class.getResourceAsStream("/exo/web/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("the jar lacks exo/web/" + file);
                }
                files.put(file, in.readAllBytes());
            }
        }
        return Map.copyOf(files);
    }

    /**
     * Stops gracefully: no new connections or requests, the queue refused, running answers given
     * up to {@code bound} to finish; says so on the log, then closes the models.
     */
    public void stop(java.time.Duration bound) {
        admission.stop();
        clusterEvents.stop();
        // Answers are the generations admitted (the page's cluster streams, which end at once, are not).
        int cut = server.stop(bound, requests -> {
            int running = admission.running();
            log.info(running == 0 ? "stopping: no new connections; no answer is running" : "stopping: no new "
                    + "connections; waiting up to " + seconds(bound) + " for " + running
                    + (running == 1 ? " running answer" : " running answers") + " to finish");
        });
        long answered = metrics.requestsAnswered();
        log.info((cut == 0 ? "stopped: every answer finished" : "stopped: " + cut + (cut == 1 ? " answer" : " answers")
                + " cut short after " + seconds(bound)) + "; " + answered + (answered == 1 ? " request" : " requests")
                + " answered in all");
        models.close();
    }

    private static String seconds(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Stops at once (running answers are cut short) and closes the models. */
    @Override
    public void close() {
        admission.stop();
        clusterEvents.stop();
        server.close();
        models.close();
    }
}
