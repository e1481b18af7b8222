package exo.serve;

import exo.InvalidInputException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The HTTP side of {@code exo serve}: routes, the API key, the body limit, admission and one
 * log line per request. Each request runs on a thread of its own; streamed answers go out as
 * server-sent events, flushed per piece, and a client that goes away cancels its generation,
 * which frees its session on every node.
 */
public final class HttpApi implements AutoCloseable {
    /** The largest request body read; a bigger one is refused with 413. */
    static final int MAX_BODY_BYTES = 8 << 20;

    private final HttpServer server;
    private final ExecutorService threads;
    private final ModelHost models;
    private final Admission admission;
    private final int maxSessions;
    private final String apiKey;
    private final PrintWriter log;

    private HttpApi(HttpServer server, ModelHost models, int maxSessions, int queue, String apiKey, PrintWriter log) {
        this.server = server;
        this.models = models;
        this.admission = new Admission(maxSessions, queue);
        this.maxSessions = maxSessions;
        this.apiKey = apiKey;
        this.log = log;
        this.threads = Executors.newCachedThreadPool(Thread.ofPlatform().name("exo-http-", 0).daemon().factory());
        server.setExecutor(threads);
        server.createContext("/", this::handle);
    }

    /**
     * Starts serving {@code models} on {@code host:port} (port 0: any free one).
     *
     * @param apiKey required as "Authorization: Bearer KEY" on every request, or null for none
     */
    public static HttpApi start(String host, int port, ModelHost models, String apiKey, int maxSessions,
                                int queue, PrintWriter log) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        HttpApi api = new HttpApi(server, models, maxSessions, queue, apiKey, log);
        server.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        long t0 = System.nanoTime();
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        int status;
        // Ollama's clients expect its error shape on its paths; everyone else gets OpenAI's.
        boolean ollamaPath = path.startsWith("/api/");
        try {
            status = route(ex, method, path);
        } catch (ApiError e) {
            status = e.status;
            respond(ex, e.status, ollamaPath ? OllamaApi.error(e) : OpenAiApi.error(e));
        } catch (InvalidInputException e) {
            // What the request asked for is wrong (a conversation the template refuses, a value out of range).
            status = 400;
            ApiError error = ApiError.badRequest(e.field().orElse(null), e.getMessage());
            respond(ex, 400, ollamaPath ? OllamaApi.error(error) : OpenAiApi.error(error));
        } catch (RuntimeException e) {
            status = 500;
            ApiError error = new ApiError(500, "server_error", null, null, "internal error: " + e.getMessage());
            respond(ex, 500, ollamaPath ? OllamaApi.error(error) : OpenAiApi.error(error));
        } finally {
            ex.close();
            ServedModel used = current.get();
            if (used != null) {
                current.remove();
                models.done(used);
            }
        }
        synchronized (log) {
            log.printf(Locale.ROOT, "exo: %s %s %d %.0f ms%n", method, path, status, (System.nanoTime() - t0) / 1e6);
            log.flush();
        }
    }

    private int route(HttpExchange ex, String method, String path) throws IOException {
        if (path.equals("/health") && method.equals("GET")) {
            return respond(ex, 200, OpenAiApi.JSON.createObjectNode().put("status", "ok"));
        }
        if (method.equals("GET") && PAGE.containsKey(path)) {
            return page(ex, path); // the page asks for the key itself, so it loads without one
        }
        authorize(ex);
        return switch (method + " " + path) {
            case "GET /v1/models" -> respond(ex, 200, OpenAiApi.models(models));
            case "GET /exo/ring" -> respond(ex, 200, ring());
            case "POST /v1/chat/completions" -> {
                JsonNode body = body(ex);
                OpenAiApi api = new OpenAiApi(model(body, "model"));
                yield complete(ex, api, api.parseChat(body));
            }
            case "POST /v1/completions" -> {
                JsonNode body = body(ex);
                OpenAiApi api = new OpenAiApi(model(body, "model"));
                yield complete(ex, api, api.parseCompletion(body));
            }
            case "POST /apply-template" -> {
                JsonNode body = body(ex);
                yield respond(ex, 200, OpenAiApi.JSON.createObjectNode()
                        .put("prompt", new OpenAiApi(model(body, "model")).renderTemplate(body)));
            }
            case "GET /api/tags" -> respond(ex, 200, OllamaApi.tags(models));
            case "GET /api/version" -> respond(ex, 200, OllamaApi.version());
            case "GET /api/ps" -> respond(ex, 200, OllamaApi.ps(models));
            case "POST /api/show" -> {
                JsonNode body = body(ex);
                yield respond(ex, 200, new OllamaApi(model(body, body.has("model") ? "model" : "name")).show(body));
            }
            case "POST /api/chat" -> {
                JsonNode body = body(ex);
                OllamaApi api = new OllamaApi(model(body, "model"));
                yield ollamaGenerate(ex, api, api.parseChat(body));
            }
            case "POST /api/generate" -> {
                JsonNode body = body(ex);
                OllamaApi api = new OllamaApi(model(body, "model"));
                yield ollamaGenerate(ex, api, api.parseGenerate(body));
            }
            default -> throw new ApiError(404, "invalid_request_error", null, "not_found",
                    "no " + method + " " + path + " here");
        };
    }

    /** The model a request's {@code field} names (or the server's, when it names none). */
    private ServedModel model(JsonNode body, String field) {
        JsonNode name = body.path(field);
        if (!name.isMissingNode() && !name.isNull() && !name.isTextual()) {
            throw ApiError.badRequest(field, field + " must be a string");
        }
        ServedModel m = models.get(name.isTextual() ? name.asText() : null);
        current.set(m);
        return m;
    }

    /** The model the request on this thread resolved, handed back to the host when the request ends. */
    private final ThreadLocal<ServedModel> current = new ThreadLocal<>();

    private void authorize(HttpExchange ex) {
        if (apiKey == null) {
            return;
        }
        String given = ex.getRequestHeaders().getFirst("Authorization");
        if (given == null || !java.security.MessageDigest.isEqual(("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError(401, "invalid_request_error", null, "invalid_api_key",
                    "this server needs an API key: send Authorization: Bearer KEY");
        }
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ApiError(413, "invalid_request_error", null, "request_too_large",
                        "the request body is over " + (MAX_BODY_BYTES >> 20) + " MiB");
            }
            return OpenAiApi.parse(bytes);
        }
    }

    private int complete(HttpExchange ex, OpenAiApi api, OpenAiApi.Call call) throws IOException {
        return inTurn(() -> call.stream() ? stream(ex, api, call) : whole(ex, api, call));
    }

    /** Work that answers a request; it may write the response. */
    private interface Answer {
        int run() throws IOException;
    }

    /** Runs {@code answer} once admission gives this request a turn (or refuses it with 429). */
    private int inTurn(Answer answer) throws IOException {
        try (AutoCloseable turn = admission.enter()) {
            return answer.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "server_error", null, null, "the server is stopping");
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int whole(HttpExchange ex, OpenAiApi api, OpenAiApi.Call call) throws IOException {
        ServedModel.Result r = api.model().generate(call.request(), piece -> { }, () -> false);
        return respond(ex, 200, api.whole(call, OpenAiApi.newId(call.chat() ? "chatcmpl-" : "cmpl-"), r));
    }

    private int stream(HttpExchange ex, OpenAiApi api, OpenAiApi.Call call) throws IOException {
        String id = OpenAiApi.newId(call.chat() ? "chatcmpl-" : "cmpl-");
        boolean[] first = {true};
        Streamed s = streamed(ex, api.model(), call.request(), "text/event-stream; charset=utf-8", HttpApi::sse,
                piece -> {
                    ObjectNode chunk = api.chunk(call, id, piece, null, first[0]);
                    first[0] = false;
                    return chunk;
                }, OpenAiApi::error);
        if (s.result() == null) {
            return s.status();
        }
        boolean sent = write(s.out(), sse(api.chunk(call, id, first[0] && call.chat() ? "" : null,
                s.result().finishReason(), first[0])));
        if (sent && call.includeUsage()) {
            sent = write(s.out(), sse(api.usageChunk(call, id, s.result())));
        }
        if (sent) {
            write(s.out(), "data: [DONE]\n\n");
        }
        return 200;
    }

    /** How a streamed generation went: its result, or none (with the status) when it failed or its client left. */
    private record Streamed(OutputStream out, ServedModel.Result result, int status) {
    }

    /**
     * Sends the status and streams a generation, each piece as {@code piece} shapes it and
     * {@code frame} frames it, as soon as it is final. A client that goes away cancels the
     * generation (499); a failure after the status goes as one more frame, as OpenAI and Ollama
     * stream theirs.
     */
    private static Streamed streamed(HttpExchange ex, ServedModel model, ServedModel.Request request,
                                     String contentType, Function<ObjectNode, String> frame,
                                     Function<String, ObjectNode> piece, Function<ApiError, ObjectNode> error)
            throws IOException {
        model.checkFits(request); // refused with a status while one can still be sent
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        AtomicBoolean gone = new AtomicBoolean();
        try {
            ServedModel.Result r = model.generate(request, text -> {
                if (!gone.get()) {
                    gone.set(!write(out, frame.apply(piece.apply(text))));
                }
            }, gone::get);
            // A client that closed the connection: its session is already freed.
            return gone.get() ? new Streamed(out, null, 499) : new Streamed(out, r, 200);
        } catch (RuntimeException e) {
            ApiError failure = e instanceof ApiError a ? a : new ApiError(500, "server_error", null, null,
                    "generation failed: " + e.getMessage());
            write(out, frame.apply(error.apply(failure)));
            return new Streamed(out, null, failure.status);
        }
    }

    private static String sse(ObjectNode data) {
        return "data: " + data + "\n\n";
    }

    private static String ndjson(ObjectNode line) {
        return line + "\n";
    }

    /** Writes and flushes {@code text}; false when the client is gone. */
    private static boolean write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The chat page's files, served from the jar: path to resource and content type. */
    private static final java.util.Map<String, String[]> PAGE = java.util.Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"},
            "/style.css", new String[] {"style.css", "text/css; charset=utf-8"});

    private int page(HttpExchange ex, String path) throws IOException {
        String[] file = PAGE.get(path);
        byte[] bytes;
        try (InputStream in = HttpApi.class.getResourceAsStream("/exo/web/" + file[0])) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks exo/web/" + file[0]);
            }
            bytes = in.readAllBytes();
        }
        ex.getResponseHeaders().set("Content-Type", file[1]);
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
        return 200;
    }

    /** What the page's ring panel shows: each machine with its layers and engine, and live throughput. */
    private ObjectNode ring() {
        ObjectNode root = OpenAiApi.JSON.createObjectNode();
        var nodes = root.putArray("nodes");
        models.loaded().ifPresentOrElse(model -> {
            root.put("model", model.id()).put("context", model.engine().contextLength())
                    .put("tokens_per_second", model.throughput().tokensPerSecond());
            for (ServedModel.RingNode n : model.ring().get()) {
                nodes.addObject().put("name", n.name()).put("layers", n.start() + "-" + (n.end() - 1))
                        .put("engine", n.engine());
            }
        }, () -> root.putNull("model").put("context", 0).put("tokens_per_second", 0.0));
        root.put("running", admission.running(maxSessions)).put("waiting", admission.waiting());
        return root;
    }

    /** Ollama's /api/chat and /api/generate: NDJSON lines while streaming, else one object. */
    private int ollamaGenerate(HttpExchange ex, OllamaApi ollama, OllamaApi.Call call) throws IOException {
        ServedModel model = ollama.model();
        return inTurn(() -> {
            long t0 = System.nanoTime();
            if (!call.stream()) {
                ServedModel.Result r = model.generate(call.request(), piece -> { }, () -> false);
                return respond(ex, 200, ollama.line(call, r.text(), r, System.nanoTime() - t0));
            }
            Streamed s = streamed(ex, model, call.request(), "application/x-ndjson", HttpApi::ndjson,
                    piece -> ollama.line(call, piece, null, 0), OllamaApi::error);
            if (s.result() == null) {
                return s.status();
            }
            write(s.out(), ndjson(ollama.line(call, "", s.result(), System.nanoTime() - t0)));
            return 200;
        });
    }

    private static int respond(HttpExchange ex, int status, ObjectNode json) throws IOException {
        byte[] bytes = (json.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    /** Stops serving and closes the models. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        models.close();
    }
}
