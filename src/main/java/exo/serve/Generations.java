package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import exo.serve.http.AccessLog;
import exo.serve.http.ClientGone;
import exo.serve.http.Exchange;
import exo.serve.http.HttpError;
import exo.serve.http.ResponseStream;
import exo.engine.sampling.Sampler;
import exo.grammar.TokenVocabularyCache;
import exo.tokenizer.chat.tools.ToolCallEvent;
import exo.tokenizer.chat.tools.ToolCallSyntax;
import exo.tokenizer.chat.tools.ToolGrammar;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers a generation request, in the order that keeps a busy server safe: a turn first
 * (429 or a place in the queue), then the prompt's tokens (counted in bounded memory, 400 when
 * beyond the context), then the model, whole or streamed. A client that leaves at any point
 * stops its work: out of the queue at once, between two tokens while generating (its session
 * is then freed on every node).
 */
final class Generations {

    /**
     * How one API frames an answer: whole, or piece by piece, and a failure once streaming. A
     * framing may keep state across a stream (OpenAI's first delta carries the role; Anthropic's
     * content blocks open and close), so each request gets its own.
     */
    interface Framing {
        String contentType();

        /** What a stream opens with before any text (an API's "message started" events, which count the prompt); none by default. */
        default List<String> opening(int promptTokens) {
            return List.of();
        }

        /**
         * What the stream sends for these events of the output, with the log-probabilities of
         * the tokens since the last frames went out (empty unless asked for); none to send
         * nothing yet.
         */
        List<String> events(List<ToolCallEvent> events, List<TokenLogprob> logprobs);

        /** What ends a stream that went well. */
        List<String> last(Answer answer, long totalNanos);

        /** A failure after the stream's status went out, as the API streams errors. */
        String failure(HttpError error);

        /** The whole answer of an unstreamed request. */
        JsonNode whole(Answer answer, long totalNanos);
    }

    private final Admission admission;
    private final ServeMetrics metrics;
    private final AccessLog log;
    private final TokenVocabularyCache vocabularies = new TokenVocabularyCache();

    Generations(Admission admission, ServeMetrics metrics, AccessLog log) {
        this.admission = admission;
        this.metrics = metrics;
        this.log = log;
    }

    /** One answer being made: how its output is read, sampled and reported. */
    private record Run(ServedModel model, ServedModel.Request request, Reply reply, Sampler sampler,
                       List<String> shown, boolean logprobs) {
        Answer answer(ServedModel.Result r, List<TokenLogprob> tokens) {
            return new Answer(r, reply.message(), tokens);
        }
    }

    void answer(Exchange exchange, ServedModel model, ServedModel.Ask ask, boolean stream, Framing framing) {
        try (Admission.Turn turn = admission.enter(exchange)) {
            ServedModel.Prompted prompted = model.tokens(ask.prompt(), exchange::gone);
            ServedModel.Request request = ask.with(prompted);
            model.checkFits(request);
            OutputRules rules = ask.output();
            ToolCallSyntax syntax = rules.syntax(model.toolFormat(), prompted.rendered());
            Optional<ToolGrammar> grammar = rules.grammar(syntax, prompted.rendered());
            Sampler sampler = rules.sampler(ask.sampling(), grammar, () -> vocabularies.get(model.tokenizer()));
            List<String> shown = new ArrayList<>(syntax == null ? List.of() : syntax.markers());
            grammar.ifPresent(g -> shown.addAll(g.specialTokens()));
            Run run = new Run(model, request, new Reply(syntax), sampler, shown, rules.topLogprobs() >= 0);
            if (exchange.gone()) {
                throw new ClientGone();
            }
            if (stream) {
                streamed(exchange, run, framing);
            } else {
                whole(exchange, run, framing);
            }
        }
    }

    private void whole(Exchange exchange, Run run, Framing framing) {
        List<TokenLogprob> tokens = new ArrayList<>();
        ServedModel.Result r = run.model().generate(run.request(), run.sampler(), run.shown(), new ServedModel.Sink() {
            @Override
            public void text(String text) {
                run.reply().push(text);
            }

            @Override
            public void token(int id, Sampler.Choice choice) {
                if (run.logprobs() && choice != null) {
                    tokens.add(TokenLogprob.of(run.model().tokenizer(), choice));
                }
            }
        }, exchange::gone);
        run.reply().finish();
        metrics.generated(r, exchange.request().receivedNanos());
        if (exchange.gone()) {
            return; // logged 499; the session is already freed
        }
        exchange.json(200, framing.whole(run.answer(r, tokens), System.nanoTime() - exchange.request().receivedNanos()));
    }

    private void streamed(Exchange exchange, Run run, Framing framing) {
        ResponseStream out = exchange.stream(200, framing.contentType());
        boolean[] open = {true};
        for (String frame : framing.opening(run.request().prompt().length)) {
            open[0] = open[0] && out.send(frame);
        }
        List<TokenLogprob> all = new ArrayList<>();
        List<TokenLogprob> pending = new ArrayList<>();
        try {
            ServedModel.Result r = run.model().generate(run.request(), run.sampler(), run.shown(), new ServedModel.Sink() {
                @Override
                public void text(String text) {
                    send(framing.events(run.reply().push(text), List.copyOf(pending)));
                }

                @Override
                public void token(int id, Sampler.Choice choice) {
                    if (run.logprobs() && choice != null) {
                        TokenLogprob t = TokenLogprob.of(run.model().tokenizer(), choice);
                        all.add(t);
                        pending.add(t);
                    }
                }

                private void send(List<String> frames) {
                    if (!frames.isEmpty()) {
                        pending.clear();
                    }
                    for (String frame : frames) {
                        if (open[0]) {
                            open[0] = out.send(frame);
                        }
                    }
                }
            }, () -> !open[0] || exchange.gone());
            metrics.generated(r, exchange.request().receivedNanos());
            if (!open[0] || exchange.gone()) {
                return;
            }
            List<String> frames = new ArrayList<>(framing.events(run.reply().finish(), List.copyOf(pending)));
            frames.addAll(framing.last(run.answer(r, all), System.nanoTime() - exchange.request().receivedNanos()));
            for (String frame : frames) {
                if (!out.send(frame)) {
                    return;
                }
            }
            out.end();
        } catch (RuntimeException e) {
            HttpError failure = HttpApi.refusal(e);
            if (failure == null) {
                log.error("generation for " + AccessLog.escape(exchange.request().path()) + " failed: " + e);
                failure = new ApiError(500, "server_error", null, null, "generation failed: " + e.getMessage());
            }
            exchange.outcome(failure.status());
            if (out.send(framing.failure(failure))) {
                out.end();
            }
        }
    }
}
