package exo.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * llama.cpp's tokenizer test vectors (tests/test-tokenizer-0 over models/ggml-vocab-*.gguf):
 * every string tokenized with add_special = false and parse_special = false must give exactly
 * the ids llama.cpp gives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VocabVectorsTest {
    static final List<String> VOCABS = List.of("llama-spm", "phi-3", "gpt-2", "deepseek-coder", "deepseek-llm", "mpt");
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    private final Map<String, Tokenizer> tokenizers = new HashMap<>();

    record Vector(String vocab, int index, String input, int[] expected) {
        @Override
        public String toString() {
            return vocab + " #" + index + " '" + input.replace("\n", "\\n").replace("\t", "\\t") + "'";
        }
    }

    static Stream<Arguments> vectors() {
        Path dir = TestModels.dir().resolve("llama.cpp-vocab");
        if (!Files.isDirectory(dir)) {
            // one case that reports the skip instead of a silently empty test
            return Stream.of(Arguments.of(new Vector("missing", 0, "", new int[0])));
        }
        List<Arguments> out = new ArrayList<>();
        for (String vocab : VOCABS) {
            for (Vector v : read(dir, vocab)) {
                out.add(Arguments.of(v));
            }
        }
        return out.stream();
    }

    static List<Vector> read(Path dir, String vocab) {
        try {
            String inp = Files.readString(dir.resolve("ggml-vocab-" + vocab + ".gguf.inp"), StandardCharsets.UTF_8);
            List<String> out = Files.readAllLines(dir.resolve("ggml-vocab-" + vocab + ".gguf.out"), StandardCharsets.UTF_8);
            List<String> inputs = new ArrayList<>();
            for (int pos = 0; pos < inp.length(); ) { // test-tokenizer-0's read_tests
                int next = inp.indexOf(SEPARATOR, pos);
                if (next < 0) {
                    inputs.add(inp.substring(pos));
                    break;
                }
                inputs.add(inp.substring(pos, next));
                pos = next + SEPARATOR.length();
            }
            assertEquals(inputs.size(), out.size(), vocab + ": .inp and .out disagree on the number of tests");
            List<Vector> vectors = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                String line = out.get(i).strip();
                int[] ids = line.isEmpty() ? new int[0] : Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray();
                vectors.add(new Vector(vocab, i, inputs.get(i), ids));
            }
            return vectors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Tokenizer tokenizer(String vocab) {
        return tokenizers.computeIfAbsent(vocab, v -> {
            try {
                return Tokenizers.fromGguf(TestModels.require("llama.cpp-vocab/ggml-vocab-" + v + ".gguf"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodesAsLlamaCpp(Vector v) {
        Tokenizer t = tokenizer(v.vocab());
        int[] got = t.encode(v.input(), false, false);
        assertArrayEquals(v.expected(), got, () -> v + "\n expected " + Arrays.toString(v.expected())
                + "\n got      " + Arrays.toString(got) + "\n pieces   " + pieces(t, got));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodesBackToTheInput(Vector v) {
        Tokenizer t = tokenizer(v.vocab());
        String expected = t instanceof VocabularyTokenizer vt && vt.vocab.cleanSpaces
                ? new String(SpaceCleaner.clean(v.input().getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)
                : v.input();
        assertEquals(expected, t.decode(v.expected()), v.toString());
    }

    private static String pieces(Tokenizer t, int[] ids) {
        List<String> p = new ArrayList<>();
        for (int id : ids) {
            p.add(id >= 0 && id < t.vocabSize() ? t.piece(id) : "?");
        }
        return p.toString();
    }
}
