package exo.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The splitters for vocabularies that have no test file here (Llama 3, Qwen2) checked against
 * the original Hugging Face expressions run by Java's regex engine with full Unicode classes,
 * on llama.cpp's 46 test strings, plus edge cases of llama.cpp's hand-coded splitters.
 */
class PreTokenizerTest {
    private static final String LLAMA3_HF =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2_HF =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String GPT2_HF = Gpt2Splitter.EXPRESSION + "|\\s+";

    static Stream<String> inputs() {
        Path dir = TestModels.dir().resolve("llama.cpp-vocab");
        List<String> extra = List.of("don'T stop", "x  \n\n  y", "  ", "a\u00A0\u00A0b", "١٢٣٤ 12345", "Hello 'Ve 'LL!", "");
        if (!Files.isDirectory(dir)) {
            return extra.stream();
        }
        return Stream.concat(VocabVectorsTest.read(dir, "gpt-2").stream().map(VocabVectorsTest.Vector::input), extra.stream());
    }

    @ParameterizedTest
    @MethodSource("inputs")
    void llama3SplitterMatchesTheHuggingFaceRegex(String text) {
        assertEquals(reference(LLAMA3_HF, text), split(PreTokenizerType.LLAMA3, text));
    }

    @ParameterizedTest
    @MethodSource("inputs")
    void qwen2CollapsedRegexMatchesTheHuggingFaceRegex(String text) {
        assertEquals(reference(QWEN2_HF, text), split(PreTokenizerType.QWEN2, text));
    }

    @ParameterizedTest
    @MethodSource("inputs")
    void gpt2SplitterMatchesTheRegex(String text) {
        assertEquals(reference(GPT2_HF, text), split(PreTokenizerType.GPT2, text));
    }

    @Test
    void llamaCppCutsRunsOfDigitsIntoThrees() {
        assertEquals(List.of("333", "333", "3"), split(PreTokenizerType.LLAMA3, "3333333"));
        assertEquals(List.of("3", "3", "3"), split(PreTokenizerType.QWEN2, "333"));
    }

    @Test
    void deepseekCoderAppliesItsExpressionsInTurn() {
        // [\r\n] first, then letters with an optional space, punctuation, CJK, single digits
        assertEquals(List.of("Hi", "\n", " there", "!", " ", "1", "2"),
                split(PreTokenizerType.DEEPSEEK_CODER, "Hi\n there! 12"));
    }

    @Test
    void collapsedExpressionKeepsCategoriesInsideBrackets() {
        assertEquals("[^\\r\\n\u00D2A-Za-z\u00D10-9]?[\u00D2A-Za-z]+",
                RegexSplitter.collapseExpression("[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"));
    }

    static List<String> split(PreTokenizerType type, String text) {
        int[] cps = Utf8.codePoints(text);
        IntList pieces = IntList.of(cps.length);
        for (String e : type.expressions()) {
            pieces = RegexSplitter.of(e).split(cps, pieces);
        }
        List<String> out = new ArrayList<>();
        for (int p = 0, start = 0; p < pieces.size(); start += pieces.get(p), p++) {
            if (pieces.get(p) > 0) {
                out.add(new String(cps, start, pieces.get(p)));
            }
        }
        return out;
    }

    /** Every match of {@code regex} a piece, and so is any text between matches. */
    static List<String> reference(String regex, String text) {
        Matcher m = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS).matcher(text);
        List<String> out = new ArrayList<>();
        int prev = 0;
        while (m.find()) {
            if (m.start() > prev) {
                out.add(text.substring(prev, m.start()));
            }
            out.add(m.group());
            prev = m.end();
        }
        if (prev < text.length()) {
            out.add(text.substring(prev));
        }
        return out;
    }
}
