package exo.serve;

import exo.engine.FinishReason;
import exo.engine.GenerationStats;
import exo.engine.Generator;
import exo.engine.InferenceEngine;
import exo.engine.SessionIds;
import exo.engine.sampling.Sampler;
import exo.engine.sampling.SamplingParams;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.chat.ChatMessage;
import exo.tokenizer.chat.ChatTemplate;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The model a server answers with: one machine's engine or a ring's tail, its tokenizer and
 * chat template. Every request is a session of its own (an id no other tail picks), freed on
 * every node when the answer ends, however it ends.
 *
 * @param defaults sampling when a request names none (the server's command line)
 */
public record ServedModel(String id, InferenceEngine engine, Tokenizer tokenizer, ChatTemplate template,
                          SamplingParams defaults, ModelCard card, java.util.function.Supplier<List<RingNode>> ring,
                          Throughput throughput, Runnable betweenRequests,
                          java.util.concurrent.locks.ReadWriteLock gate) {

    /** One machine of the ring as the page shows it: its name, layers [start, end) and engine. */
    public record RingNode(String name, int start, int end, String engine) {
    }

    /**
     * @param ring            the machines computing now, head first (a ring that lost a node is re-planned)
     * @param betweenRequests runs when no request is generating: a ring takes in machines that joined
     */
    public ServedModel(String id, InferenceEngine engine, Tokenizer tokenizer, ChatTemplate template,
                       SamplingParams defaults, ModelCard card, java.util.function.Supplier<List<RingNode>> ring,
                       Runnable betweenRequests) {
        this(id, engine, tokenizer, template, defaults, card, ring, new Throughput(), betweenRequests,
                new java.util.concurrent.locks.ReentrantReadWriteLock());
    }

    /** What to generate: the prompt's tokens and how. */
    record Request(int[] prompt, int maxTokens, SamplingParams sampling, List<String> stops) {
    }

    /** How a generation ended: its text (stop strings and end tokens left out) and counts. */
    record Result(String text, int promptTokens, int completionTokens, FinishReason finish, GenerationStats stats) {
        /** OpenAI's finish_reason: "stop" (an end token or a stop string), else "length". */
        String finishReason() {
            return finish == FinishReason.STOP ? "stop" : "length";
        }
    }

    /** Refuses a prompt that leaves no room in the context for an answer. */
    void checkFits(Request r) {
        int context = engine.contextLength();
        if (r.prompt().length >= context) {
            throw new ApiError(400, "invalid_request_error", "messages", "context_length_exceeded",
                    "the prompt is " + r.prompt().length + " tokens; the context holds " + context
                            + " (the last position is for the answer)");
        }
    }

    int[] chatPrompt(List<ChatMessage> messages) {
        return template.encode(tokenizer, messages, true);
    }

    int[] textPrompt(String prompt) {
        return tokenizer.encode(prompt, true, false);
    }

    /**
     * Generates, handing each piece of text to {@code text} as soon as it is final (a stop
     * string's start is held back until it is known not to be one).
     */
    Result generate(Request r, Consumer<String> text, BooleanSupplier cancelled) {
        checkFits(r);
        // Between requests (none generating), the ring may take in machines that joined; never mid-answer.
        if (gate.writeLock().tryLock()) {
            try {
                betweenRequests.run();
            } finally {
                gate.writeLock().unlock();
            }
        }
        gate.readLock().lock();
        try {
            return generateNow(r, text, cancelled);
        } finally {
            gate.readLock().unlock();
        }
    }

    private Result generateNow(Request r, Consumer<String> text, BooleanSupplier cancelled) {
        int context = engine.contextLength();
        int maxTokens = Math.min(r.maxTokens(), context - r.prompt().length);
        StopStrings stops = new StopStrings(r.stops());
        StringBuilder all = new StringBuilder();
        int[] count = new int[1];
        Generator generator = new Generator(engine, tokenizer, SessionIds.next("serve"));
        try {
            GenerationStats stats = generator.generateFrom(r.prompt(), maxTokens, new Sampler(r.sampling()),
                    (id, piece) -> {
                        if (id >= 0) {
                            count[0]++;
                            throughput.token();
                        }
                        String shown = stops.push(piece);
                        if (!shown.isEmpty()) {
                            all.append(shown);
                            text.accept(shown);
                        }
                    }, () -> stops.stopped() || cancelled.getAsBoolean());
            String rest = stops.flush();
            if (!rest.isEmpty()) {
                all.append(rest);
                text.accept(rest);
            }
            FinishReason finish = stops.stopped() ? FinishReason.STOP : stats.finishReason();
            return new Result(all.toString(), r.prompt().length, count[0], finish, stats);
        } finally {
            generator.reset();
        }
    }
}
