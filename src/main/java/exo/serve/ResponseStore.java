package exo.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.tokenizer.chat.ChatMessage;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Responses API answers this server keeps while it runs, for {@code previous_response_id}
 * and {@code GET /v1/responses/{id}}: each response object with the conversation it closed
 * (its input and its output, as chat messages). Bounded in count and in characters; the
 * oldest go first. Nothing is written to disk. Thread-safe.
 */
final class ResponseStore {
    /** A kept response: the object as the API returned it, and the conversation up to and including it. */
    record Stored(ObjectNode response, List<ChatMessage> conversation, long chars) {
        Stored {
            conversation = List.copyOf(conversation);
        }
    }

    private final int maxCount;
    private final long maxChars;
    private final Map<String, Stored> byId = new LinkedHashMap<>();
    private long chars;

    ResponseStore(int maxCount, long maxChars) {
        if (maxCount < 1 || maxChars < 1) {
            throw new IllegalArgumentException("a store holds at least one response");
        }
        this.maxCount = maxCount;
        this.maxChars = maxChars;
    }

    /** Keeps {@code response}; one larger than the whole bound is not kept. */
    synchronized void put(String id, ObjectNode response, List<ChatMessage> conversation) {
        long size = response.toString().length();
        for (ChatMessage m : conversation) {
            size += m.content().length() + (m.reasoningContent() == null ? 0 : m.reasoningContent().length()) + 64;
            for (var c : m.toolCalls()) {
                size += c.name().length() + String.valueOf(c.arguments()).length();
            }
        }
        if (size > maxChars) {
            return;
        }
        Stored old = byId.remove(id);
        if (old != null) {
            chars -= old.chars();
        }
        byId.put(id, new Stored(response.deepCopy(), conversation, size));
        chars += size;
        Iterator<Stored> oldest = byId.values().iterator();
        while (byId.size() > maxCount || chars > maxChars) {
            chars -= oldest.next().chars();
            oldest.remove();
        }
    }

    synchronized Optional<Stored> get(String id) {
        Stored s = byId.get(id);
        return s == null ? Optional.empty() : Optional.of(new Stored(s.response().deepCopy(), s.conversation(), s.chars()));
    }

    synchronized int size() {
        return byId.size();
    }
}
