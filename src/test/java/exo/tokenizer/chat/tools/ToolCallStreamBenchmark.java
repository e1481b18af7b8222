package exo.tokenizer.chat.tools;

import java.util.List;

/**
 * What the streaming parser costs per delta: a long plain answer, and a long tool call (a big
 * string argument), fed in 4-character deltas as a tokenizer would. Not a test; run it by hand
 * (classpath as for {@code exo.grammar.GrammarMaskBenchmark}):
 * {@code java -cp ... exo.tokenizer.chat.tools.ToolCallStreamBenchmark}.
 */
public final class ToolCallStreamBenchmark {
    private ToolCallStreamBenchmark() {
    }

    public static void main(String[] args) {
        String words = "The quick brown fox jumps over the lazy dog, and then some more text follows. ".repeat(1300);
        String plain = "<think>planning</think>" + words;
        String call = "Calling.<tool_call>\n{\"name\": \"run_code\", \"arguments\": {\"code\": \""
                + "print(1)\\n".repeat(2000) + "\"}}\n</tool_call>";
        for (int round = 0; round < 3; round++) {
            report("plain answer", plain);
            report("tool call", call);
        }
    }

    private static void report(String label, String text) {
        ToolCallSyntax syntax = ToolCallSyntax.of(ToolCallFormat.HERMES, List.of());
        long t0 = System.nanoTime();
        StreamingToolCallParser p = new StreamingToolCallParser(syntax, ToolCallIds.seeded(1));
        int deltas = 0;
        for (int i = 0; i < text.length(); i += 4) {
            p.push(text.substring(i, Math.min(text.length(), i + 4)));
            deltas++;
        }
        p.finish();
        long ns = System.nanoTime() - t0;
        System.out.printf("%-13s %6d chars, %5d deltas: %7.1f ms, %6.2f us per delta%n", label, text.length(), deltas, ns / 1e6,
                ns / 1e3 / deltas);
    }
}
