package exo.cli;

import exo.models.ModelSpec;
import exo.serve.HttpApi;
import exo.serve.ModelHost;
import exo.serve.ModelCard;
import exo.serve.ServedModel;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `exo serve`: the model behind OpenAI's HTTP API, on this machine or as the tail of a ring. */
@Command(name = "serve",
        description = {"Serve MODEL over HTTP with OpenAI's API (POST /v1/chat/completions, POST /v1/completions, "
                + "GET /v1/models, GET /health), on this machine or, with peers, as the tail of a ring as exo chat "
                + "forms it. Every request is a session of its own; one log line per request goes to stderr."},
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
        String key = apiKey != null ? apiKey : System.getenv("EXO_API_KEY");
        key = key == null || key.isEmpty() ? null : key;
        PrintWriter err = err();
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
            api = HttpApi.start(httpHost, httpPort, models, key, maxSessions, queue, err);
        } catch (Exception e) {
            models.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("exo-shutdown").unstarted(() -> {
            api.close();
            stopped.countDown();
        }));
        if (key == null && !InetAddress.getByName(httpHost).isLoopbackAddress()) {
            err.println("exo: warning: serving on " + httpHost + " without --api-key: anyone who can reach this "
                    + "machine can use the model");
        }
        err.println("exo: serving " + what + " at http://" + httpHost + ":" + api.port()
                + " (OpenAI API under /v1)");
        err.flush();
        stopped.await();
        return ExitCode.OK;
    }
}
