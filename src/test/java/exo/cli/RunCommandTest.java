package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.gguf.GgufFile;
import exo.gguf.GgufTensorInfo;
import exo.gguf.GgufWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir
    Path tmp;

    private static void assertOneLineError(CliRun r, int code, String fragment) {
        assertEquals(code, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("exo: "), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    private static CliRun run(Path model, String... extra) {
        String[] base = {"run", "--discovery", "static", "--model-file", model.toString(), "--prompt", "Once upon a time", "--temperature", "0",
            "-n", "20"};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    @Test
    void greedyRunStreamsTheStoryAndReportsSpeed() {
        CliRun r = run(TestModels.stories260K());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith(", there was a little girl named Lily."), r.out());
        assertTrue(r.err().strip().lines().reduce((a, b) -> b).orElseThrow()
                .matches("prompt 5 tokens, prefill [0-9.]+ tok/s, generated 20 tokens, decode [0-9.]+ tok/s \\(length\\)"), r.err());
    }

    @Test
    void aSeedMakesSampledRunsRepeatable() {
        String model = TestModels.stories260K().toString();
        CliRun a = CliRun.of("run", "--discovery", "static", "--model-file", model, "-p", "The dog", "--temperature", "1", "--seed", "11");
        CliRun b = CliRun.of("run", "--discovery", "static", "--model-file", model, "-p", "The dog", "--temperature", "1", "--seed", "11");
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(a.out(), b.out());
    }

    @Test
    void tokenizePrintsIdsAndPieces() {
        String model = TestModels.stories260K().toString();
        CliRun r = CliRun.of("tokenize", "--model-file", model, "Once upon a time");
        assertEquals("1 403 407 261 378", r.out().strip());
        CliRun noBos = CliRun.of("tokenize", "--model-file", model, "--no-bos", "Once upon a time");
        assertEquals("403 407 261 378", noBos.out().strip());
        CliRun pieces = CliRun.of("tokenize", "--model-file", model, "--pieces", "Once");
        assertEquals("1 <s>\n403 \u2581Once", pieces.out().strip());
        CliRun json = CliRun.of("tokenize", "--model-file", model, "--json", "Once");
        assertEquals("{\"ids\":[1,403],\"pieces\":[\"<s>\",\"\u2581Once\"]}", json.out().strip());
        assertEquals(2, CliRun.of("tokenize", "--model-file", model).exitCode());
    }

    @Test
    void wrongMagic() throws IOException {
        Path p = tmp.resolve("bad.gguf");
        Files.writeString(p, "this is not a model, just some text that is long enough");
        assertOneLineError(run(p), 2, "bad magic");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path p = tmp.resolve("cut.gguf");
        Files.write(p, Arrays.copyOf(Files.readAllBytes(TestModels.stories260K()), 3000));
        assertOneLineError(run(p), 2, "truncated");
    }

    @Test
    void tensorDataPastEndOfFile() throws IOException {
        Path p = tmp.resolve("short.gguf");
        byte[] b = Files.readAllBytes(TestModels.stories260K());
        Files.write(p, Arrays.copyOf(b, b.length - 4096));
        assertOneLineError(run(p), 2, "past the end of the file");
    }

    @Test
    void unknownTensorType() throws IOException {
        Path p = tmp.resolve("type.gguf");
        byte[] b = Files.readAllBytes(TestModels.stories260K());
        try (GgufFile f = GgufFile.open(TestModels.stories260K())) {
            // Find the type field of the first tensor entry: after its name, n_dims and dims.
            GgufTensorInfo first = f.tensors().getFirst();
            byte[] name = first.name().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int at = indexOf(b, name) + name.length + 4 + 8 * first.rank();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, 77);
        }
        Files.write(p, b);
        assertOneLineError(run(p), 2, "unknown type id 77");
    }

    @Test
    void unsupportedArchitecture() throws IOException {
        Path p = tmp.resolve("arch.gguf");
        try (GgufFile f = GgufFile.open(TestModels.stories260K())) {
            GgufWriter w = new GgufWriter().putAll(f.metadata()).putString("general.architecture", "mamba");
            for (GgufTensorInfo t : f.tensors()) {
                w.addTensor(t.name(), t.type(), t.dims(), f.tensorData(t));
            }
            w.write(p);
        }
        assertOneLineError(run(p), 2, "unsupported architecture 'mamba'");
    }

    @Test
    void promptLongerThanTheContext() {
        assertOneLineError(run(TestModels.stories260K(), "--context", "4"), 2, "the context holds 4");
    }

    @Test
    void missingFileAndBadFlags() {
        assertOneLineError(run(tmp.resolve("nope.gguf")), 2, "nope.gguf: no such file");
        assertEquals(2, run(TestModels.stories260K(), "--top-p", "0").exitCode());
        assertEquals(2, run(TestModels.stories260K(), "-n", "0").exitCode());
        assertOneLineError(run(tmp), 2, "is a directory; give the .gguf file in it");
    }

    /** A named model that is not here is fetched, as exo chat fetches it; without a network that fails in one line. */
    @Test
    void aNamedModelNotOnThisMachineIsFetched() {
        CliRun r = CliRun.of("run", "--discovery", "static", "stories-260k", "--prompt", "x");
        assertEquals(1, r.exitCode(), r.err());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals(2, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("exo: fetching layers 0-4 of stories-260k"), r.err());
        assertTrue(lines.get(1).startsWith("exo: cannot reach "), r.err());
    }

    /** -n -1 means no limit, as in exo chat (the context still ends an answer). */
    @Test
    void minusOneIsNoLimit() {
        CliRun r = CliRun.of("run", "--discovery", "static", "--model-file", TestModels.stories260K().toString(), "--prompt", "Once upon a time",
                "--temperature", "0", "-n", "-1", "--context", "24");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("(length)") || r.err().contains("(stop)"), r.err());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
