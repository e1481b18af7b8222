package exo.tokenizer.chat.tools;

import java.util.Objects;

/**
 * OpenAI's {@code tool_choice}: the model may call tools or answer ({@link Auto}), must call
 * one or more ({@link Required}), must not ({@link None}), or must call one function
 * ({@link Named}). Anthropic's {@code auto}/{@code any}/{@code tool}/{@code none} map onto these.
 */
public sealed interface ToolChoice {
    record Auto() implements ToolChoice {
    }

    record Required() implements ToolChoice {
    }

    record None() implements ToolChoice {
    }

    record Named(String function) implements ToolChoice {
        public Named {
            Objects.requireNonNull(function, "function");
        }
    }

    ToolChoice AUTO = new Auto();
    ToolChoice REQUIRED = new Required();
    ToolChoice NONE = new None();
}
