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
import exo.tokenizer.chat.ChatTemplateInput;
import exo.tokenizer.chat.tools.ToolCallFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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

    /**
     * One machine of the ring as the page shows it: its name, layers [start, end), engine, and the
     * memory it offered the ring when it joined (0 where unknown).
     */
    public record RingNode(String name, int start, int end, String engine, long memoryBytes) {
        public RingNode {
            if (start < 0 || end < start || memoryBytes < 0) {
                throw new IllegalArgumentException("layers " + start + "-" + end + ", memory " + memoryBytes);
            }
        }
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

        /**
         * A conversation, with the tools the template shows the model (OpenAI's shape, null for
         * none: the template's {@code tools} stays undefined) and further template variables
         * (chat_template_kwargs, such as {@code enable_thinking}).
         */
        record Chat(List<ChatMessage> messages, List<Object> tools, Map<String, Object> variables, String field)
                implements Prompt {
            public Chat {
                messages = List.copyOf(messages);
                variables = variables == null ? Map.of() : variables;
            }

            Chat(List<ChatMessage> messages, String field) {
                this(messages, null, Map.of(), field);
            }

            ChatTemplateInput input() {
                return new ChatTemplateInput(ChatTemplateInput.of(messages, true).messages(), tools, true, variables);
            }
        }

        record Text(String text, String field) implements Prompt {
        }
    }

    /** A prompt's tokens and, for a conversation, the text the template rendered (null for raw text). */
    record Prompted(int[] tokens, String rendered) {
    }

    /** What a request asks for before its prompt is tokenized (which happens once it has a turn). */
    record Ask(Prompt prompt, int maxTokens, SamplingParams sampling, List<String> stops, OutputRules output) {
        Ask(Prompt prompt, int maxTokens, SamplingParams sampling, List<String> stops) {
            this(prompt, maxTokens, sampling, stops, OutputRules.TEXT);
        }

        Request with(Prompted prompted) {
            return new Request(prompted.tokens(), maxTokens, sampling, stops);
        }
    }

    /** What to generate: the prompt's tokens and how. */
    record Request(int[] prompt, int maxTokens, SamplingParams sampling, List<String> stops) {
    }

    /** Where a generation's output goes, as it comes. */
    interface Sink {
        /** Text that is final (stop strings held back until decided). */
        void text(String text);

        /** A token was sampled (before its text reaches {@link #text}); its log-probabilities when the sampler keeps them, else null. */
        default void token(int id, Sampler.Choice choice) {
        }
    }

    /**
     * How a generation ended: its text (stop strings and end tokens left out) and counts.
     *
     * @param stopSequence    the stop string that ended it, or null
     * @param firstTokenNanos {@link System#nanoTime()} when the first token was sampled, 0 when none was
     */
    record Result(String text, int promptTokens, int completionTokens, FinishReason finish, String stopSequence,
                  GenerationStats stats, long firstTokenNanos) {
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
    Prompted tokens(Prompt prompt, java.util.function.BooleanSupplier gone) {
        int limit = engine.contextLength() - 1;
        return switch (prompt) {
            case Prompt.Chat chat -> {
                // The messages' own text first: a huge one is refused before the template copies it.
                PromptLength contents = new PromptLength(tokenizer, true, limit, chat.field(), gone);
                for (ChatMessage m : chat.messages()) {
                    contents.add(m.content());
                }
                String rendered = template.render(chat.input());
                new PromptLength(tokenizer, true, limit, chat.field(), gone).add(rendered);
                yield new Prompted(template.encode(tokenizer, chat.input()), rendered);
            }
            case Prompt.Text text -> {
                new PromptLength(tokenizer, false, limit, text.field(), gone).add(text.text());
                yield new Prompted(textPrompt(text.text()), null);
            }
        };
    }

    int[] chatPrompt(List<ChatMessage> messages) {
        return template.encode(tokenizer, messages, true);
    }

    int[] textPrompt(String prompt) {
        return tokenizer.encode(prompt, true, false);
    }

    /** The tool-call and reasoning syntax of this model's family, by its template (and vocabulary). */
    ToolCallFormat toolFormat() {
        return ToolCallFormat.detect(template.source(), tokenizer);
    }

    /**
     * Generates, handing each piece of text to {@code text} as soon as it is final (a stop
     * string's start is held back until it is known not to be one).
     */
    Result generate(Request r, Consumer<String> text, BooleanSupplier cancelled) {
        return generate(r, new Sampler(r.sampling()), List.of(), text::accept, cancelled);
    }

    /**
     * Generates with {@code sampler} (a constraint, a logit bias, log-probabilities), handing
     * the output to {@code sink}. Control tokens are not text, except those whose text is
     * among {@code shown}: a family's tool-call markers and think tags, which the reader of the
     * output needs (llama.cpp's preserved tokens).
     */
    Result generate(Request r, Sampler sampler, List<String> shown, Sink sink, BooleanSupplier cancelled) {
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
            return generateNow(r, sampler, shownTokens(shown), sink, cancelled);
        } finally {
            busy.exit();
            gate.readLock().unlock();
        }
    }

    /** The control tokens whose text is one of {@code texts}. */
    private java.util.Set<Integer> shownTokens(List<String> texts) {
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (String t : texts) {
            int id = tokenizer.tokenId(t);
            if (id >= 0 && tokenizer.isControl(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    private Result generateNow(Request r, Sampler sampler, java.util.Set<Integer> shown, Sink sink,
                               BooleanSupplier cancelled) {
        int context = engine.contextLength();
        int maxTokens = Math.min(r.maxTokens(), context - r.prompt().length);
        StopStrings stops = new StopStrings(r.stops());
        StringBuilder all = new StringBuilder();
        int[] count = new int[1];
        long[] first = new long[1];
        Generator generator = new Generator(engine, tokenizer, SessionIds.next("serve"));
        try {
            GenerationStats stats = generator.generateFrom(r.prompt(), maxTokens, sampler,
                    (id, piece) -> {
                        if (id >= 0) {
                            if (count[0]++ == 0) {
                                first[0] = System.nanoTime();
                            }
                            throughput.token();
                            sink.token(id, sampler.lastChoice());
                            if (shown.contains(id)) {
                                piece = piece + new String(tokenizer.tokenBytes(id, true), StandardCharsets.UTF_8);
                            }
                        }
                        String out = stops.push(piece);
                        if (!out.isEmpty()) {
                            all.append(out);
                            sink.text(out);
                        }
                    }, () -> stops.stopped() || cancelled.getAsBoolean());
            String rest = stops.flush();
            if (!rest.isEmpty()) {
                all.append(rest);
                sink.text(rest);
            }
            FinishReason finish = stops.stopped() ? FinishReason.STOP : stats.finishReason();
            return new Result(all.toString(), r.prompt().length, count[0], finish, stops.matched(), stats, first[0]);
        } finally {
            generator.reset(); // frees the session on every node, however the answer ended
        }
    }
}
