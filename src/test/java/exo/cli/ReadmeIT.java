package exo.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import exo.download.FakeHub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start and its command table, read from README.md and run as written
 * through the {@code ./exo} launcher, as processes, against a stand-in for Hugging Face.
 *
 * <p>The model they name, llama-3.2-1b, is 800 MB and the hub is out of reach, so the test's
 * models.yaml gives that id to stories260K (its real dimensions, on the stand-in hub): the
 * commands, the download and the cache are the real ones, only the weights are small. A
 * command added to the README without a recipe here fails the test, so the two stay together.
 */
class ReadmeIT {
    private static final String MODEL = "llama-3.2-1b";
    private static final String REPO = "ggml-org/models";
    private static final String FILE = "tinyllamas/stories260K.gguf";
    private static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+)");
    private static final Pattern SERVING = Pattern.compile("at (http://[^\\s/]+)");

    @TempDir
    Path tmp;
    private FakeHub hub;
    private Path models;
    private final List<Process> started = new ArrayList<>();
    /** Where each command left running writes its stderr. */
    private final Map<Process, Path> errors = new HashMap<>();

    @BeforeEach
    void hub() throws IOException {
        hub = FakeHub.start();
        hub.add(REPO, FILE, TestModels.stories260K());
        models = tmp.resolve("models.yaml");
        Files.writeString(models, TestModels.storiesRegistry(MODEL, "stories260K standing in for Llama 3.2 1B", REPO,
                FILE));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        hub.close();
    }

    @Test
    void theQuickStartRunsAsWritten() throws Exception {
        List<List<String>> commands = commands(section("## Quick start"));
        assertEquals(List.of(List.of("download", MODEL), List.of("chat", "--model-file", "model.gguf"),
                List.of("chat", MODEL), List.of("node")), commands, "the quick start changed: update this test");
        // "on every other machine": a helper with an exo home of its own, as another machine has.
        Process helper = start(Map.of("EXO_HOME", tmp.resolve("helper").toString()), "node");
        awaitLine(helper, LISTENING, 60);

        Run download = exo("", "download", MODEL);
        assertEquals(0, download.code(), download.err());
        assertArrayEquals(Files.readAllBytes(TestModels.stories260K()), Files.readAllBytes(Path.of(download.out().strip())));

        Run anyGguf = exo("Once upon a time\n", "chat", "--model-file", TestModels.stories260K().toString());
        assertEquals(0, anyGguf.code(), anyGguf.err());
        assertFalse(anyGguf.out().isBlank(), anyGguf.err());

        Run chat = exo("Once upon a time\n", "chat", MODEL);
        assertEquals(0, chat.code(), chat.err());
        assertFalse(chat.out().isBlank(), chat.err());
        assertTrue(chat.err().contains("looking for exo nodes"), chat.err());
    }

    @Test
    void everyCommandOfTheTableRuns() throws Exception {
        List<List<String>> rows = new ArrayList<>();
        Matcher cell = Pattern.compile("(?m)^\\| `exo ([^`]+)` \\|").matcher(section("## Commands"));
        while (cell.find()) {
            rows.add(arguments(cell.group(1)));
        }
        Matcher help = Pattern.compile("`exo (help \\[COMMAND])`").matcher(section("## Commands"));
        assertTrue(help.find(), "the README names exo help");
        rows.add(arguments(help.group(1)));
        assertTrue(rows.size() >= 15, "the table has its commands: " + rows);
        // The download first (the others use the model), the removal last.
        rows.sort(java.util.Comparator.comparingInt(r -> r.getFirst().equals("download") ? 0
                : r.getFirst().equals("rm") ? 2 : 1));
        for (List<String> row : rows) {
            try {
                runRow(row);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + backgroundLogs(), e);
            }
        }
    }

    /** One row of the table, with the check that says it did its job. */
    private void runRow(List<String> args) throws Exception {
        String what = "exo " + String.join(" ", args);
        switch (args.getFirst()) {
            case "download" -> {
                Run r = ok(exo("", args), what);
                assertTrue(Files.isRegularFile(Path.of(r.out().strip())), what + ": " + r.out());
            }
            case "models" -> assertTrue(json(ok(exo("", args), what)).get("models").toString().contains(MODEL), what);
            case "ls" -> assertTrue(json(ok(exo("", args), what)).get("files").toString().contains(MODEL), what);
            case "plan" -> assertTrue(ok(exo("", args), what).out().contains("fits"), what);
            case "run" -> assertFalse(ok(exo("", args), what).out().isBlank(), what);
            case "tokenize" -> assertTrue(ok(exo("", args), what).out().matches("(?s).*\\d+.*"), what);
            case "template" -> assertTrue(ok(exo("[{\"role\": \"user\", \"content\": \"hi\"}]", args), what)
                    .out().contains("hi"), what);
            case "chat" -> assertFalse(ok(exo("Once upon a time\n", args), what).out().isBlank(), what);
            case "peers", "ps" -> ok(exo("", args), what);
            case "bench" -> assertTrue(ok(exo("", args), what).out().contains("tg128"), what);
            case "help" -> assertTrue(ok(exo("", args), what).out().contains("Usage: exo " + args.get(1)), what);
            case "node" -> {
                Process node = start(Map.of("EXO_HOME", tmp.resolve("node").toString()), args.toArray(String[]::new));
                awaitLine(node, LISTENING, 60);
            }
            case "serve" -> {
                Process serve = start(Map.of(), args.toArray(String[]::new));
                String base = awaitLine(serve, SERVING, 120).group(1);
                HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, listed.statusCode(), listed.body());
                assertTrue(listed.body().contains(MODEL), listed.body());
            }
            case "rm" -> {
                ok(exo("", args), what);
                assertFalse(json(ok(exo("", "ls", "--json"), "ls")).get("files").toString().contains(MODEL),
                        "the model is gone after " + what);
            }
            default -> throw new AssertionError("the README has a command this test does not run: " + what);
        }
    }

    /** A README command's words, with its placeholders filled in and its optional flags given. */
    private static List<String> arguments(String command) {
        String filled = command.replace("[--quant Q]", "--quant F32").replace("[--json]", "--json")
                .replace("[COMMAND]", "run").replace("[PROMPT]", "'Once upon a time'").replace("TEXT", "'Once upon a time'")
                .replace("MODEL", MODEL);
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(filled);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return words;
    }

    /** The `./exo ...` commands of a section's first code block, those in its comments too. */
    private static List<List<String>> commands(String section) {
        Matcher block = Pattern.compile("(?s)```sh\\n(.*?)```").matcher(section);
        assertTrue(block.find(), "no code block in " + section);
        List<List<String>> out = new ArrayList<>();
        Matcher cmd = Pattern.compile("\\./exo ([^#\\n]*?)\\s*(?=#|$)", Pattern.MULTILINE).matcher(block.group(1));
        while (cmd.find()) {
            out.add(arguments(cmd.group(1)));
        }
        return out;
    }

    private static String section(String heading) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf("\n" + heading + "\n");
        assertTrue(at >= 0, "README.md has no " + heading);
        int next = readme.indexOf("\n## ", at + heading.length() + 2);
        return readme.substring(at, next < 0 ? readme.length() : next);
    }

    private record Run(int code, String out, String err) {
    }

    private static Run ok(Run r, String what) {
        assertEquals(0, r.code(), what + ": " + r.err());
        return r;
    }

    private static JsonNode json(Run r) throws IOException {
        return new ObjectMapper().readTree(r.out());
    }

    private Map<String, String> env(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("HF_ENDPOINT", hub.endpoint().toString(), "HF_HOME",
                tmp.resolve("hf").toString(), "EXO_HOME", tmp.resolve("exo").toString(), "EXO_MODELS_FILE",
                models.toString()));
        env.putAll(more);
        return env;
    }

    private ProcessBuilder launcher(Map<String, String> more, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of("exo").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // Only what the test gives: the developer's own token, cache or exo home must not leak in.
        pb.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("EXO_"));
        pb.environment().putAll(env(more));
        return pb;
    }

    private Run exo(String stdin, List<String> args) throws Exception {
        return exo(stdin, args.toArray(String[]::new));
    }

    private Run exo(String stdin, String... args) throws Exception {
        Path out = Files.createTempFile(tmp, "exo", ".out");
        Path err = Files.createTempFile(tmp, "exo", ".err");
        Process p = launcher(Map.of(), args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("exo " + String.join(" ", args) + " did not finish: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A long-running command (node, serve), stopped at the test's end; its stderr goes to a file. */
    private Process start(Map<String, String> more, String... args) throws IOException {
        Path err = Files.createTempFile(tmp, "exo-" + args[0], ".err");
        Process p = launcher(more, args).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile())
                .start();
        started.add(p);
        errors.put(p, err);
        return p;
    }

    /** What the commands left running (node, serve) printed: where a row's failure began elsewhere. */
    private String backgroundLogs() throws IOException {
        StringBuilder all = new StringBuilder();
        for (var e : errors.entrySet()) {
            all.append("--- ").append(e.getValue().getFileName()).append(e.getKey().isAlive() ? " (running)" : " (exited "
                    + e.getKey().exitValue() + ")").append(":\n").append(Files.readString(e.getValue()));
        }
        return all.toString();
    }

    private Matcher awaitLine(Process p, Pattern pattern, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(Files.readString(errors.get(p)));
            if (m.find()) {
                return m;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + pattern + " in " + seconds + " s: " + Files.readString(errors.get(p)));
    }
}
