package exo.tokenizer.chat.tools;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Any text as a model's output in any family's syntax: the whole parse never fails, and the
 * same text streamed in pieces gives events that add up to exactly that parse. The first byte
 * picks the family, the second whether the output starts inside reasoning.
 */
class ToolOutputFuzzTest {
    private static final ToolCallFormat[] FORMATS = ToolCallFormat.values();

    @FuzzTest(maxDuration = "30s")
    void outputsParseWholeAndStreamedAlike(byte[] data) {
        if (data.length < 2) {
            return;
        }
        ToolCallFormat format = FORMATS[(data[0] & 0xFF) % FORMATS.length];
        ToolCallSyntax syntax = ToolCallSyntax.of(format, RecordedOutputs.TOOLS).startingInReasoning((data[1] & 1) == 1);
        String text = new String(data, 2, data.length - 2, StandardCharsets.UTF_8);
        ParsedMessage whole = ToolCallParser.parse(syntax, text, ToolCallIds.seeded(7));
        SplittableRandom random = new SplittableRandom(text.hashCode());
        List<String> pieces = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int next = Math.min(text.length(), at + 1 + random.nextInt(6));
            while (next < text.length() && Character.isLowSurrogate(text.charAt(next))) {
                next++;
            }
            pieces.add(text.substring(at, next));
            at = next;
        }
        RecordedOutputs.Case c = new RecordedOutputs.Case(format.toString(), syntax, text, whole.content(), whole.reasoning(), List.of());
        ToolCallParserTest.check(c, whole, pieces);
    }
}
