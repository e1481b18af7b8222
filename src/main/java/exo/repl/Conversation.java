package exo.repl;

import exo.engine.GenerationStats;
import exo.engine.Generator;
import exo.engine.sampling.Sampler;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.chat.ChatMessage;
import exo.tokenizer.chat.ChatTemplate;
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
        start();
    }

    /**
     * Answers {@code text} as the user's next message, streaming the answer to {@code listener}.
     * The answer joins the conversation however it ended, a cancelled one with the part that was
     * written (as ollama keeps it). When the turn fails (the conversation no longer fits the context,
     * the template refuses it) the user's message is dropped again and the exception propagates,
     * so the conversation stays as it was. A conversation that outgrew the context loses its
     * oldest messages first (the system message stays; see {@link #droppedMessages()}).
     *
     * @param maxTokens most tokens in the answer
     * @param cancelled polled between tokens; true ends the answer
     */
    public GenerationStats answer(String text, int maxTokens, Generator.Listener listener, BooleanSupplier cancelled) {
        messages.add(ChatMessage.user(text));
        StringBuilder answer = new StringBuilder();
        GenerationStats stats;
        List<ChatMessage> before = List.copyOf(messages);
        lastDropped = 0;
        try {
            int[] tokens = fit();
            stats = generator.generateFrom(tokens, maxTokens, sampler,
                    (id, piece) -> {
                        answer.append(piece);
                        listener.onToken(id, piece);
                    }, cancelled);
        } catch (RuntimeException e) {
            messages.clear();
            messages.addAll(before.subList(0, before.size() - 1));
            lastDropped = 0;
            throw e;
        }
        messages.add(ChatMessage.assistant(answer.toString()));
        lastStats = stats;
        return stats;
    }

    /**
     * The conversation's tokens, after dropping its oldest messages (never the system message or
     * the new one) while it leaves less than {@link #answerRoom()} tokens for the answer, as
     * Ollama drops them when a chat outgrows its context.
     */
    private int[] fit() {
        int[] tokens = template.encode(tokenizer, messages, true);
        int first = system != null ? 1 : 0;
        while (tokens.length + answerRoom() > contextLength && messages.size() - first > 1) {
            messages.remove(first);
            lastDropped++;
            // An assistant message never opens what is left: its question went with it.
            if (messages.size() - first > 1 && messages.get(first).role().equals("assistant")) {
                messages.remove(first);
                lastDropped++;
            }
            tokens = template.encode(tokenizer, messages, true);
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
