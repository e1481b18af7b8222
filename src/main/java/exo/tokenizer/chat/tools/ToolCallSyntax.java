package exo.tokenizer.chat.tools;

import java.util.List;
import java.util.Objects;

/**
 * How to read one request's output: the family's format, the tools offered (the XML-argument
 * families type values by them), the think tags (the format's by default; null for none), and
 * whether the output starts inside reasoning because the prompt already opened the tag (as
 * DeepSeek R1's and Qwen3's templates do; see {@link #promptOpensReasoning}).
 */
public record ToolCallSyntax(ToolCallFormat format, List<ToolDefinition> tools, String thinkStart, String thinkEnd,
        boolean startsInReasoning) {
    public ToolCallSyntax {
        Objects.requireNonNull(format, "format");
        tools = List.copyOf(tools);
        if ((thinkStart == null) != (thinkEnd == null)) {
            throw new IllegalArgumentException("think tags come in pairs");
        }
        if (startsInReasoning && thinkStart == null) {
            throw new IllegalArgumentException("output cannot start in reasoning without think tags");
        }
    }

    public static ToolCallSyntax of(ToolCallFormat format, List<ToolDefinition> tools) {
        return new ToolCallSyntax(format, tools, format.thinkStart(), format.thinkEnd(), false);
    }

    /** The same, reading the output as begun inside the think tags. */
    public ToolCallSyntax startingInReasoning(boolean inside) {
        return new ToolCallSyntax(format, tools, thinkStart, thinkEnd, inside && thinkStart != null);
    }

    /** The same without reasoning extraction: think tags stay in the content. */
    public ToolCallSyntax withoutReasoning() {
        return new ToolCallSyntax(format, tools, null, null, false);
    }

    /** Whether a rendered prompt ends inside the reasoning tag, so the output begins as reasoning. */
    public boolean promptOpensReasoning(String renderedPrompt) {
        if (thinkStart == null) {
            return false;
        }
        String p = renderedPrompt.stripTrailing();
        return p.endsWith(thinkStart);
    }

    /**
     * Whether a rendered prompt ends by closing the think tags (a template whose thinking is
     * off writes an empty think block), so the answer has no reasoning of its own.
     */
    public boolean promptClosesReasoning(String renderedPrompt) {
        return thinkEnd != null && renderedPrompt.stripTrailing().endsWith(thinkEnd);
    }

    /** The family's markers and the think tags: texts to show even where the vocabulary makes them control tokens. */
    public List<String> markers() {
        List<String> all = new java.util.ArrayList<>(format.markers());
        if (thinkStart != null) {
            all.add(thinkStart);
            all.add(thinkEnd);
        }
        return List.copyOf(all);
    }

    Snapshot snapshot(String text, boolean finished) {
        Snapshot s = new Snapshot();
        int body = Reasoning.split(text, thinkStart, thinkEnd, startsInReasoning, finished, s);
        if (body >= 0) {
            format.parser(tools).parse(text, body, finished, s);
        }
        return s;
    }
}
