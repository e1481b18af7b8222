package exo.repl;

import exo.engine.GenerationStats;
import exo.engine.Generator;
import exo.engine.sampling.Sampler;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.chat.ChatMessage;
import exo.tokenizer.chat.ChatTemplate;
import exo.tokenizer.chat.ChatTemplateInput;
import exo.tokenizer.chat.tools.StreamingToolCallParser;
import exo.tokenizer.chat.tools.ToolCallEvent;
import exo.tokenizer.chat.tools.ToolCallFormat;
import exo.tokenizer.chat.tools.ToolCallIds;
import exo.tokenizer.chat.tools.ToolCallSyntax;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One chat on this machine: the messages so far and the generator that holds their tokens.
 * Each turn renders the whole conversation with the chat template, so the generator only
 * computes what is new since the cached prefix. Not thread-safe; the REPL owns it.
 */
public final class Conversation {
    private final Generator generator;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final Sampler sampler;
    private final int contextLength;
    private final String system;
    private final List<ChatMessage> messages = new ArrayList<>();
    private GenerationStats lastStats;
    private int lastDropped;
    /** How the answer is read: the family's think tags around reasoning (a chat has no tools). */
    private final ToolCallSyntax syntax;
    /** Control tokens whose text the reader needs (the think tags, where the vocabulary makes them control tokens). */
    private final java.util.Set<Integer> shown = new java.util.HashSet<>();
    private Boolean thinking;

    /**
     * @param system the system message opening every conversation, or null for none
     */
    public Conversation(Generator generator, Tokenizer tokenizer, ChatTemplate template, Sampler sampler,
                        int contextLength, String system) {
        this.generator = Objects.requireNonNull(generator, "generator");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.template = Objects.requireNonNull(template, "template");
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        if (contextLength < 1) {
            throw new IllegalArgumentException("context length must be positive, not " + contextLength);
        }
        this.contextLength = contextLength;
        this.system = system == null || system.isBlank() ? null : system;
        ToolCallFormat family = ToolCallFormat.detect(template.source(), tokenizer);
        ToolCallFormat tags = family.thinkStart() != null ? family : ToolCallFormat.CONTENT_ONLY;
        this.syntax = new ToolCallSyntax(ToolCallFormat.CONTENT_ONLY, List.of(), tags.thinkStart(), tags.thinkEnd(), false);
        for (String marker : syntax.markers()) {
            int id = tokenizer.tokenId(marker);
            if (id >= 0 && tokenizer.isControl(id)) {
                shown.add(id);
            }
        }
        start();
    }

    /**
     * Answers {@code text} as the user's next message, streaming the answer to {@code listener}.
     * The answer joins the conversation however it ended, a cancelled one with the part that was
     * written (as ollama keeps it), without the reasoning the model wrote in its think tags
     * (which goes to {@link AnswerListener#reasoning}). When the turn fails (the conversation no longer fits the context,
     * the template refuses it) the user's message is dropped again and the exception propagates,
     * so the conversation stays as it was. A conversation that outgrew the context loses its
     * oldest messages first (the system message stays; see {@link #droppedMessages()}).
     *
     * @param maxTokens most tokens in the answer
     * @param cancelled polled between tokens; true ends the answer
     */
    public GenerationStats answer(String text, int maxTokens, AnswerListener listener, BooleanSupplier cancelled) {
        messages.add(ChatMessage.user(text));
        GenerationStats stats;
        List<ChatMessage> before = List.copyOf(messages);
        lastDropped = 0;
        StreamingToolCallParser reader;
        try {
            int[] tokens = fit();
            // The family's think tags, and whether the prompt already opened them (the answer then starts as reasoning).
            ToolCallSyntax reading = syntax.startingInReasoning(syntax.promptOpensReasoning(template.render(input())));
            reader = new StreamingToolCallParser(reading, ToolCallIds.random());
            StreamingToolCallParser r = reader;
            stats = generator.generateFrom(tokens, maxTokens, sampler,
                    (id, piece) -> tell(r.push(shown.contains(id) ? piece + new String(tokenizer.tokenBytes(id, true),
                            java.nio.charset.StandardCharsets.UTF_8) : piece),
                            listener), cancelled);
            tell(reader.finish(), listener);
        } catch (RuntimeException e) {
            messages.clear();
            messages.addAll(before.subList(0, before.size() - 1));
            lastDropped = 0;
            throw e;
        }
        // The answer stays without its reasoning, as chat templates expect earlier turns.
        messages.add(ChatMessage.assistant(reader.message().content()));
        lastStats = stats;
        return stats;
    }

    /** {@link #answer(String, int, AnswerListener, BooleanSupplier)} for a listener of the content alone. */
    public GenerationStats answer(String text, int maxTokens, Generator.Listener listener, BooleanSupplier cancelled) {
        return answer(text, maxTokens, (AnswerListener) piece -> listener.onToken(-1, piece), cancelled);
    }

    private static void tell(List<ToolCallEvent> events, AnswerListener listener) {
        for (ToolCallEvent e : events) {
            switch (e) {
                case ToolCallEvent.ContentDelta c -> listener.content(c.text());
                case ToolCallEvent.ReasoningDelta r -> listener.reasoning(r.text());
                default -> {
                    // a chat offers no tools: calls cannot come (CONTENT_ONLY reads none)
                }
            }
        }
    }

    /**
     * Turns the model's thinking on or off where its template reads {@code enable_thinking}
     * (Qwen3, QwQ, SmolLM3, ...); null leaves the template's default.
     *
     * @return whether the template reads it (when it does not, nothing changes)
     */
    public boolean thinking(Boolean on) {
        if (!readsThinking()) {
            return false;
        }
        thinking = on;
        return true;
    }

    /** Whether the template reads {@code enable_thinking}. */
    public boolean readsThinking() {
        return template.source().contains("enable_thinking");
    }

    /** Thinking as set by {@link #thinking(Boolean)}; null for the template's default. */
    public Boolean thinking() {
        return thinking;
    }

    /** The conversation as the template takes it, with enable_thinking when set. */
    private ChatTemplateInput input() {
        ChatTemplateInput in = ChatTemplateInput.of(messages, true);
        return thinking == null ? in : in.withVariable("enable_thinking", thinking);
    }

    /**
     * The conversation's tokens, after dropping its oldest messages (never the system message or
     * the new one) while it leaves less than {@link #answerRoom()} tokens for the answer, as
     * Ollama drops them when a chat outgrows its context.
     */
    private int[] fit() {
        int[] tokens = template.encode(tokenizer, input());
        int first = system != null ? 1 : 0;
        while (tokens.length + answerRoom() > contextLength && messages.size() - first > 1) {
            messages.remove(first);
            lastDropped++;
            // An assistant message never opens what is left: its question went with it.
            if (messages.size() - first > 1 && messages.get(first).role().equals("assistant")) {
                messages.remove(first);
                lastDropped++;
            }
            tokens = template.encode(tokenizer, input());
        }
        return tokens;
    }

    /** Tokens kept free for an answer when old messages are dropped: a quarter of the context, at most 512. */
    private int answerRoom() {
        return Math.min(512, contextLength / 4);
    }

    /** How many of the oldest messages the last turn dropped to fit the context (0 when it fitted). */
    public int droppedMessages() {
        return lastDropped;
    }

    /** Forgets every message but the system message, and frees the cached tokens. */
    public void reset() {
        generator.reset();
        messages.clear();
        lastStats = null;
        start();
    }

    /** The conversation as the template gets it next turn (before the new user message). */
    public List<ChatMessage> messages() {
        return List.copyOf(messages);
    }

    /** The last answer's stats, empty before the first answer and after a reset. */
    public Optional<GenerationStats> lastStats() {
        return Optional.ofNullable(lastStats);
    }

    /** Tokens the session holds now, prompt and answers. */
    public int tokens() {
        return generator.length();
    }

    public int contextLength() {
        return contextLength;
    }

    private void start() {
        if (system != null) {
            messages.add(ChatMessage.system(system));
        }
    }
}
