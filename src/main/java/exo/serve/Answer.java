package exo.serve;

import exo.engine.FinishReason;
import exo.tokenizer.chat.tools.ParsedMessage;
import java.util.List;

/**
 * A finished answer as the APIs report it: how generation went ({@link ServedModel.Result}),
 * the output read in the family's syntax (content, reasoning, tool calls), and each token's
 * log-probabilities when the request asked for them (empty otherwise).
 */
record Answer(ServedModel.Result result, ParsedMessage message, List<TokenLogprob> logprobs) {
    Answer {
        logprobs = List.copyOf(logprobs);
    }

    /** Whether the answer calls tools: it has a call and did not stop for length inside one. */
    boolean calledTools() {
        return !message.toolCalls().isEmpty() && result.finish() != FinishReason.LENGTH;
    }

    /** OpenAI's finish_reason: "tool_calls", "stop" (an end token or a stop string), or "length". */
    String finishReason() {
        return calledTools() ? "tool_calls" : result.finishReason();
    }
}
