package exo.cli;

import exo.models.ModelSpec;
import exo.serve.HttpApi;
import exo.serve.ModelHost;
import exo.serve.ModelCard;
import exo.serve.ServedModel;
import exo.serve.http.AccessLog;
import exo.serve.http.HttpLimits;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `exo serve`: the model behind OpenAI's HTTP API, on this machine or as the tail of a ring. */
@Command(name = "serve",
        description = {"Serve MODEL over HTTP with OpenAI's API (POST /v1/chat/completions with tools, response "
                + "formats and reasoning_content, POST /v1/completions, POST /v1/responses, GET /v1/models), "
                + "Anthropic's (POST /v1/messages, /v1/messages/count_tokens) and Ollama's (under /api), a chat page "
                + "at /, GET /health and GET /metrics, on "
                + "this machine or, with peers, as the tail of a ring as exo chat forms it. Every request is a "
                + "session of its own, cancelled when its client leaves; one log line per request goes to stderr. "
                + "SIGTERM stops accepting and lets running answers finish (30 s at most)."},
        footer = {"", "Examples:", "  exo serve llama-3.2-1b",
                "  exo serve --model-file model.gguf --http-port 8080 --api-key secret",
                "  curl http://127.0.0.1:52415/v1/chat/completions -H 'Content-Type: application/json' \\",
                "      -d '{\"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}'"})
public final class ServeCommand extends Subcommand {
    /** exo's own API port. */
    static final int DEFAULT_HTTP_PORT = 52415;

    @Mixin
    ModelRunOptions run;

    @Parameters(arity = "0..1", paramLabel = "MODEL", completionCandidates = Completions.ModelIds.class,
            description = "A model id from 'exo models' (or use --model-file; "
            + "without either, each request's model is loaded when first named, one at a time).")
    String model;

    @Option(names = {"-c", "--context"}, paramLabel = "N", description = "Context length (default: the model's).")
    int context;

    @Option(names = "--http-host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address the HTTP server listens on (default: ${DEFAULT-VALUE}, this machine only).")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "52415",
            description = "Port of the HTTP server (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int httpPort;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Require 'Authorization: Bearer KEY' on every request (default: $EXO_API_KEY; none = open).")
    String apiKey;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "4",
            description = "Requests generating at once (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "32",
            description = "Requests waiting for a turn before more are refused with 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--allowed-origins", paramLabel = "ORIGIN", split = ",",
            description = "Web origins whose pages may call this server from a browser, besides this server's own "
                    + "page and local ones (e.g. https://app.example.com, http://*.example.com; default: "
                    + "$EXO_ORIGINS).")
    List<String> allowedOrigins;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "One line per request on stderr as text or json (default: ${DEFAULT-VALUE}).")
    String logFormat;

    // Limits and timeouts of the HTTP server: the defaults suit every use; tests make them short.
    @Option(names = "--http-header-timeout-ms", hidden = true, defaultValue = "10000")
    long headerTimeoutMs;

    @Option(names = "--http-body-timeout-ms", hidden = true, defaultValue = "30000")
    long bodyTimeoutMs;

    @Option(names = "--http-idle-timeout-ms", hidden = true, defaultValue = "60000")
    long idleTimeoutMs;

    @Option(names = "--http-write-timeout-ms", hidden = true, defaultValue = "60000")
    long writeTimeoutMs;

    @Option(names = "--http-stop-timeout-ms", hidden = true, defaultValue = "30000")
    long stopTimeoutMs;

    @Option(names = "--http-max-body-bytes", hidden = true, defaultValue = "8388608")
    int maxBodyBytes;

    @Option(names = "--http-max-connections", hidden = true, defaultValue = "512")
    int maxConnections;

    @Option(names = "--http-max-connections-per-address", hidden = true, defaultValue = "128")
    int maxConnectionsPerAddress;

    /** Opens {@code id} (null with --model-file) as this server's model, alone or as the tail of a ring. */
    private LazyModels.Loaded open(String id, PrintWriter err) throws Exception {
        ModelStartup.Request request = new ModelStartup.Request(run, id, context);
        ModelStartup started = ModelStartup.open(request, err);
        try {
            ServedModel served = new ServedModel(request.modelId(), started.engine(), started.tokenizer(),
                    run.template.forModel(started.metadata(), started.tokenizer()), run.sampling.params(),
                    ModelCard.of(started.file()), started::ring, started::beforeTurn);
            return new LazyModels.Loaded(served, started);
        } catch (Exception e) {
            started.close();
            throw e;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (httpPort < 0 || httpPort > 65535) {
            throw UserException.usage("--http-port must be between 0 and 65535, not " + httpPort);
        }
        if (maxSessions < 1 || maxSessions > 1024) {
            throw UserException.usage("--max-sessions must be between 1 and 1024, not " + maxSessions);
        }
        if (queue < 0) {
            throw UserException.usage("--queue must not be negative, not " + queue);
        }
        AccessLog.Format format = switch (logFormat) {
            case "text" -> AccessLog.Format.TEXT;
            case "json" -> AccessLog.Format.JSON;
            default -> throw UserException.usage("--log-format must be text or json, not '" + logFormat + "'");
        };
        HttpLimits limits = limits();
        String key = apiKey != null ? apiKey : System.getenv("EXO_API_KEY");
        key = key == null || key.isEmpty() ? null : key;
        List<String> origins = allowedOrigins != null ? allowedOrigins
                : System.getenv("EXO_ORIGINS") != null ? List.of(System.getenv("EXO_ORIGINS").split(",")) : List.of();
        InetAddress address;
        try {
            address = InetAddress.getByName(httpHost);
        } catch (java.net.UnknownHostException e) {
            throw UserException.usage("--http-host: cannot resolve '" + httpHost + "'");
        }
        PrintWriter err = err();
        AccessLog log = new AccessLog(err, format);
        ModelHost models;
        String what;
        if (model != null || run.source.hasFile()) {
            LazyModels.Loaded one = open(model, err);
            models = ModelHost.fixed(one.model(), one.resources());
            what = one.model().id();
        } else {
            // No model named: each request's is loaded when first asked for.
            List<String> ids = run.source.registry.registry().all().stream().map(ModelSpec::id).toList();
            models = new LazyModels(ids, id -> open(id, err));
            what = "the model each request names (one at a time)";
        }
        HttpApi api;
        try {
            api = HttpApi.start(new HttpApi.Settings(new InetSocketAddress(address, httpPort), key, maxSessions, queue,
                    limits, origins, format), models, log);
        } catch (Exception e) {
            models.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM (and Ctrl-C): no new requests, running answers finish within the bound, then exit.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("exo-shutdown").unstarted(() -> {
            api.stop(Duration.ofMillis(stopTimeoutMs));
            stopped.countDown();
        }));
        if (key == null && !address.isLoopbackAddress()) {
            log.info("warning: serving on " + httpHost + " without --api-key: anyone who can reach this "
                    + "machine can use the model");
        }
        log.info("serving " + what + " at http://" + hostForUrl(address, httpHost) + ":" + api.port()
                + " (OpenAI API under /v1)");
        stopped.await();
        return ExitCode.OK;
    }

    private HttpLimits limits() {
        HttpLimits d = HttpLimits.defaults(maxSessions, queue);
        for (long ms : new long[] {headerTimeoutMs, bodyTimeoutMs, idleTimeoutMs, writeTimeoutMs}) {
            if (ms < 1) {
                throw UserException.usage("HTTP timeouts must be positive, not " + ms + " ms");
            }
        }
        if (stopTimeoutMs < 0 || maxBodyBytes < 1 || maxConnections < 1 || maxConnectionsPerAddress < 1) {
            throw UserException.usage("HTTP limits must be positive");
        }
        return new HttpLimits(Duration.ofMillis(headerTimeoutMs), Duration.ofMillis(bodyTimeoutMs),
                Duration.ofMillis(idleTimeoutMs), Duration.ofMillis(writeTimeoutMs), Duration.ofMillis(stopTimeoutMs),
                d.maxHeaderBytes(), maxBodyBytes, Math.max(d.maxBodyBytesInFlight(), maxBodyBytes), maxConnections,
                maxConnectionsPerAddress, d.maxWorkers());
    }

    /** The host as a URL writes it: an IPv6 address in brackets ("http://[::1]:52415"). */
    static String hostForUrl(InetAddress address, String given) {
        return address instanceof java.net.Inet6Address && given.contains(":") ? "[" + given + "]" : given;
    }
}
