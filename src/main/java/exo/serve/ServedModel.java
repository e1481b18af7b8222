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
                          Throughput throughput, BusyTime busy, Runnable betweenRequests,
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
        this(id, engine, tokenizer, template, defaults, card, ring, new Throughput(), new BusyTime(), betweenRequests,
                new java.util.concurrent.locks.ReentrantReadWriteLock());
    }

    /** A request's prompt before it is tokenized: a conversation for the chat template, or raw text. */
    sealed interface Prompt {
        /** The request field it came from, for a refusal's param. */
        String field();

        record Chat(List<ChatMessage> messages, String field) implements Prompt {
        }

        record Text(String text, String field) implements Prompt {
        }
    }

    /** What a request asks for before its prompt is tokenized (which happens once it has a turn). */
    record Ask(Prompt prompt, int maxTokens, SamplingParams sampling, List<String> stops) {
        Request with(int[] tokens) {
            return new Request(tokens, maxTokens, sampling, stops);
        }
    }

    /** What to generate: the prompt's tokens and how. */
    record Request(int[] prompt, int maxTokens, SamplingParams sampling, List<String> stops) {
    }

    /**
     * How a generation ended: its text (stop strings and end tokens left out) and counts.
     *
     * @param firstTokenNanos {@link System#nanoTime()} when the first token was sampled, 0 when none was
     */
    record Result(String text, int promptTokens, int completionTokens, FinishReason finish, GenerationStats stats,
                  long firstTokenNanos) {
        /** OpenAI's finish_reason: "stop" (an end token or a stop string), else "length". */
        String finishReason() {
            return finish == FinishReason.STOP ? "stop" : "length";
        }
    }

    /** Refuses a prompt that leaves no room in the context for an answer. */
    void checkFits(Request r) {
        int context = engine.contextLength();
        if (r.prompt().length >= context) {
            throw ApiError.contextExceeded("messages", "the prompt is " + r.prompt().length + " tokens; the context "
                    + "holds " + context + " (the last position is for the answer)");
        }
    }

    /**
     * The prompt's tokens, once it is known to fit the context: counted a piece at a time first
     * ({@link PromptLength}), so an oversized prompt is refused in bounded memory and time.
     *
     * @param gone polled while counting: a client that leaves stops the work
     */
    int[] tokens(Prompt prompt, java.util.function.BooleanSupplier gone) {
        int limit = engine.contextLength() - 1;
        return switch (prompt) {
            case Prompt.Chat chat -> {
                // The messages' own text first: a huge one is refused before the template copies it.
                PromptLength contents = new PromptLength(tokenizer, true, limit, chat.field(), gone);
                for (ChatMessage m : chat.messages()) {
                    contents.add(m.content());
                }
                new PromptLength(tokenizer, true, limit, chat.field(), gone).add(template.render(chat.messages(), true));
                yield chatPrompt(chat.messages());
            }
            case Prompt.Text text -> {
                new PromptLength(tokenizer, false, limit, text.field(), gone).add(text.text());
                yield textPrompt(text.text());
            }
        };
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
        busy.enter();
        try {
            return generateNow(r, text, cancelled);
        } finally {
            busy.exit();
            gate.readLock().unlock();
        }
    }

    private Result generateNow(Request r, Consumer<String> text, BooleanSupplier cancelled) {
        int context = engine.contextLength();
        int maxTokens = Math.min(r.maxTokens(), context - r.prompt().length);
        StopStrings stops = new StopStrings(r.stops());
        StringBuilder all = new StringBuilder();
        int[] count = new int[1];
        long[] first = new long[1];
        Generator generator = new Generator(engine, tokenizer, SessionIds.next("serve"));
        try {
            GenerationStats stats = generator.generateFrom(r.prompt(), maxTokens, new Sampler(r.sampling()),
                    (id, piece) -> {
                        if (id >= 0) {
                            if (count[0]++ == 0) {
                                first[0] = System.nanoTime();
                            }
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
            return new Result(all.toString(), r.prompt().length, count[0], finish, stats, first[0]);
        } finally {
            generator.reset(); // frees the session on every node, however the answer ended
        }
    }
}
