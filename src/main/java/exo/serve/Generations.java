package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import exo.serve.http.AccessLog;
import exo.serve.http.ClientGone;
import exo.serve.http.Exchange;
import exo.serve.http.HttpError;
import exo.serve.http.ResponseStream;
import java.util.List;

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
     * framing may keep state across a stream (OpenAI's first delta carries the role; a parser of
     * tool calls holds text back), so each request gets its own.
     */
    interface Framing {
        String contentType();

        /** What a stream opens with before any text (an API's "message started" events); none by default. */
        default List<String> opening() {
            return List.of();
        }

        /** One piece of text as the stream sends it; "" to send nothing for it yet. */
        String piece(String text);

        /** What ends a stream that went well. */
        List<String> last(ServedModel.Result result, long totalNanos);

        /** A failure after the stream's status went out, as the API streams errors. */
        String failure(HttpError error);

        /** The whole answer of an unstreamed request. */
        JsonNode whole(ServedModel.Result result, long totalNanos);
    }

    private final Admission admission;
    private final ServeMetrics metrics;
    private final AccessLog log;

    Generations(Admission admission, ServeMetrics metrics, AccessLog log) {
        this.admission = admission;
        this.metrics = metrics;
        this.log = log;
    }

    void answer(Exchange exchange, ServedModel model, ServedModel.Ask ask, boolean stream, Framing framing) {
        try (Admission.Turn turn = admission.enter(exchange)) {
            ServedModel.Request request = ask.with(model.tokens(ask.prompt(), exchange::gone));
            model.checkFits(request);
            if (exchange.gone()) {
                throw new ClientGone();
            }
            if (stream) {
                streamed(exchange, model, request, framing);
            } else {
                whole(exchange, model, request, framing);
            }
        }
    }

    private void whole(Exchange exchange, ServedModel model, ServedModel.Request request, Framing framing) {
        ServedModel.Result r = model.generate(request, text -> { }, exchange::gone);
        metrics.generated(r, exchange.request().receivedNanos());
        if (exchange.gone()) {
            return; // logged 499; the session is already freed
        }
        exchange.json(200, framing.whole(r, System.nanoTime() - exchange.request().receivedNanos()));
    }

    private void streamed(Exchange exchange, ServedModel model, ServedModel.Request request, Framing framing) {
        ResponseStream out = exchange.stream(200, framing.contentType());
        boolean[] open = {true};
        for (String frame : framing.opening()) {
            open[0] = open[0] && out.send(frame);
        }
        try {
            ServedModel.Result r = model.generate(request, text -> {
                String frame = framing.piece(text);
                if (open[0] && !frame.isEmpty()) {
                    open[0] = out.send(frame);
                }
            }, () -> !open[0] || exchange.gone());
            metrics.generated(r, exchange.request().receivedNanos());
            if (!open[0] || exchange.gone()) {
                return;
            }
            for (String frame : framing.last(r, System.nanoTime() - exchange.request().receivedNanos())) {
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
