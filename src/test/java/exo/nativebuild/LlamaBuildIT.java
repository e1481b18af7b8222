package exo.nativebuild;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import exo.TestModels;
import exo.download.ExoProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * native-build/llama-gpu.sh's whole path, with the {@code cpu} backend: it builds libllama and the
 * libggml* it links from the llama.cpp b4916 source archive in ../shared/vendor, exo accepts that
 * plain library (which has no LLAMA_BUILD_NUMBER) by the build-info file beside it, and its ggml
 * engine computes on it the bundled library's exact bits.
 *
 * <p>The build (about 80 s on two cores) is kept outside the repository, keyed by the archive's
 * SHA-256, under {@code $EXO_NATIVE_CACHE} or {@code ~/.cache/exo-native}: the script reuses a
 * build whose sources, patches and flags are unchanged, so a second run compiles nothing.
 */
class LlamaBuildIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String STORY_PROMPT = "Once upon a time";

    @TempDir
    static Path tmp;

    private static Path library;
    private static Properties info;

    @BeforeAll
    static void build() throws Exception {
        Path archive = ROOT.resolve("../shared/vendor/llama.cpp-b4916.tar.gz").normalize();
        assumeTrue(Files.isRegularFile(archive), archive + " is not here");
        assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"), "the bundled library compared is Linux x86-64's");
        for (String tool : List.of("cmake", "c++")) {
            assumeTrue(onPath(tool), tool + " is not installed");
        }
        String cacheRoot = System.getenv("EXO_NATIVE_CACHE");
        Path cache = (cacheRoot != null && !cacheRoot.isBlank() ? Path.of(cacheRoot)
                : Path.of(System.getProperty("user.home"), ".cache", "exo-native"))
                .resolve("llama-b4916-cpu-" + sha256(archive).substring(0, 16));
        Path log = tmp.resolve("llama-gpu.log");
        ProcessBuilder pb = new ProcessBuilder("nice", "-n", "10", "bash", "native-build/llama-gpu.sh", "cpu",
                archive.toString()).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("EXO_LLAMA_BUILD_DIR", cache.toString());
        pb.environment().put("EXO_BUILD_JOBS", "2");
        long start = System.nanoTime();
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.MINUTES), "the build did not finish in 30 minutes");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        Matcher export = Pattern.compile("(?m)^export EXO_LLAMA_LIB=(.+)$").matcher(out);
        assertTrue(export.find(), out);
        library = Path.of(export.group(1));
        assertEquals(cache.resolve("lib/libllama.so"), library);
        info = new Properties();
        try (var in = Files.newBufferedReader(library.resolveSibling("exo-llama-build.properties"))) {
            info.load(in);
        }
        // Where the figures land for whoever reads the test's output: the build's own time, or a reuse.
        System.err.printf("llama-gpu.sh cpu: %s in %.0f s (build_seconds=%s)%n", out.contains("already built")
                ? "reused" : "built", (System.nanoTime() - start) / 1e9, info.getProperty("build_seconds"));
    }

    @Test
    void theBuildInfoNamesTheBuildTheSourcesAndTheLibrary() throws Exception {
        assertEquals("4916", info.getProperty("build"));
        assertEquals("c6af216", info.getProperty("commit"));
        assertEquals("cpu", info.getProperty("backend"));
        assertTrue(info.getProperty("sources").startsWith("archive llama.cpp-b4916.tar.gz sha256 "), info.toString());
        assertTrue(info.getProperty("cmake_flags").contains("-DGGML_NATIVE=OFF"), info.toString());
        assertTrue(info.getProperty("cmake_flags").contains("-DLLAMA_CURL=OFF"), info.toString());
        assertEquals(sha256(library), info.getProperty("library_sha256"));
        try (var files = Files.list(library.getParent())) {
            assertEquals(List.of("exo-llama-build.properties", "libggml-base.so", "libggml-cpu.so", "libggml.so",
                    "libllama.so"), files.map(f -> f.getFileName().toString()).sorted().toList(), "only the libraries");
        }
    }

    /** Same quantizer bytes, same CPU features, and every logit of whole and split runs bit for bit. */
    @Test
    void theGgmlEngineComputesTheBundledLibrarysBits() throws Exception {
        Probe bundled = probe(Map.of(), "bundled");
        Probe built = probe(Map.of("EXO_LLAMA_LIB", library.toString()), "built");
        assertTrue(bundled.out().startsWith("library build=4916 commit=c6af2161 evidence=LLAMA_BUILD_NUMBER\n"),
                bundled.out());
        assertTrue(built.out().startsWith("library build=4916 commit=c6af216 evidence="
                + library.resolveSibling("exo-llama-build.properties") + "\n"), built.out());
        assertEquals(lines(bundled.out(), "system "), lines(built.out(), "system "), "the same CPU features");
        assertEquals(lines(bundled.out(), "model "), lines(built.out(), "model "), "the same greedy tokens");
        for (String quant : GgmlLogitsProbe.SYNTHETIC_QUANTS) {
            String file = "synthetic-" + quant + ".gguf";
            assertArrayEquals(Files.readAllBytes(bundled.dir().resolve(file)), Files.readAllBytes(built.dir().resolve(file)),
                    quant + " as each library's ggml_quantize_chunk writes it");
        }
        byte[] expected = Files.readAllBytes(bundled.logits());
        assertEquals(1 + GgmlLogitsProbe.SYNTHETIC_QUANTS.size(), lines(bundled.out(), "model ").size(), bundled.out());
        assertTrue(expected.length > 0);
        assertArrayEquals(expected, Files.readAllBytes(built.logits()), "every logit, bit for bit");
    }

    /** exo's commands pick ggml on the built library (auto does not fall back to Java) and tell the same story. */
    @Test
    void exoRunsOnTheBuiltLibraryAsOnTheBundledOne() throws Exception {
        Map<String, String> env = Map.of("EXO_LLAMA_LIB", library.toString());
        for (String engine : List.of("auto", "ggml", "llama.cpp")) {
            ExoProcess.Result onBundled = exoRun(Map.of(), engine);
            ExoProcess.Result onBuilt = exoRun(env, engine);
            assertEquals(0, onBuilt.exitCode(), onBuilt.err());
            assertEquals(onBundled.out(), onBuilt.out(), engine);
            assertTrue(onBuilt.out().startsWith(", there was a little girl named Lily."), onBuilt.out());
            if (engine.equals("auto")) {
                assertTrue(onBuilt.err().startsWith("exo: engine ggml (CPU, "), onBuilt.err());
            }
        }
    }

    /**
     * The built library's own quantizer (llama_model_quantize, which the bindings' library does
     * not export) gives every tensor the type exo's writer and size model give it: the cases of
     * QuantMixOracleTest, run in a JVM that loads this library.
     */
    @Test
    void theBuiltQuantizerGivesEveryTensorTheTypeExosRulesGiveIt() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(System.getProperty("exo.jvm.flags", "").split(" ")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "exo.synthetic.QuantMixOracleCheck"));
        Path log = tmp.resolve("quant-oracle.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("EXO_LLAMA_LIB", library.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the check did not finish in 10 minutes");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains(" cases, 0 with other types"), out);
    }

    /** A build-info file that names another build, or describes another library, or none: one line each. */
    @Test
    void aLibraryNotVouchedForIsRefusedWithOneLine() throws Exception {
        Path copy = tmp.resolve("other");
        Files.createDirectories(copy);
        try (var files = Files.list(library.getParent())) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path infoFile = copy.resolve("exo-llama-build.properties");
        String text = Files.readString(infoFile);
        Map<String, String> env = Map.of("EXO_LLAMA_LIB", copy.resolve("libllama.so").toString());

        Files.writeString(infoFile, text.replace("build=4916", "build=5000"));
        assertRefused(env, "the llama.cpp library is build 5000 (c6af216, from " + infoFile
                + "); the struct layouts here are for build 4916");

        Files.writeString(infoFile, text.replaceFirst("library_sha256=\\w+", "library_sha256=" + "0".repeat(64)));
        assertRefused(env, infoFile + " describes another library than " + copy.resolve("libllama.so")
                + " (its SHA-256 differs): build it again with native-build/llama-gpu.sh");

        Files.delete(infoFile);
        assertRefused(env, "the llama.cpp library has no LLAMA_BUILD_NUMBER and " + copy.resolve("libllama.so")
                + " has no exo-llama-build.properties beside it: not llama.cpp, or not built by "
                + "native-build/llama-gpu.sh (llama.cpp build 4916)");
    }

    private static void assertRefused(Map<String, String> env, String reason) throws Exception {
        ExoProcess.Result r = ExoProcess.run(tmp, env, "run", "--discovery", "static", "--model-file", TestModels.stories260K().toString(),
                "--prompt", "x", "-n", "2", "--engine", "ggml");
        assertEquals(1, r.exitCode(), r.err());
        assertEquals("exo: the ggml engine cannot run here: " + reason, r.err().strip());
    }

    private static ExoProcess.Result exoRun(Map<String, String> env, String engine) throws Exception {
        return ExoProcess.run(tmp, env, "run", "--discovery", "static", "--model-file", TestModels.stories260K().toString(), "--prompt",
                STORY_PROMPT, "--temperature", "0", "-n", "24", "--engine", engine);
    }

    private record Probe(String out, Path dir, Path logits) {
    }

    /** GgmlLogitsProbe in a JVM of its own, on the library {@code env} names. */
    private static Probe probe(Map<String, String> env, String name) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Path logits = dir.resolve("logits.bin");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(System.getProperty("exo.jvm.flags",
                "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED").strip().split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GgmlLogitsProbe.class.getName(), "dump",
                logits.toString(), TestModels.stories260K().toString(), "--synthetic", dir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("EXO_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe did not finish");
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(0, p.exitValue(), err);
        String out = Files.readString(dir.resolve("out.txt"));
        assertFalse(out.isBlank(), err);
        return new Probe(out, dir, logits);
    }

    private static List<String> lines(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
