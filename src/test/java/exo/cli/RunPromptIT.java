package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** exo run takes its prompt as Ollama's and llama.cpp's runs do: an option, an argument, or standard input. */
class RunPromptIT {
    record Result(int code, String out, String err) {
    }

    private static Result run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of("exo").toAbsolutePath().toString(), "run",
                "--model-file", TestModels.stories260K().toString(), "--temperature", "0", "-n", "20"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        var out = p.getInputStream();
        var err = p.getErrorStream();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exo run did not finish");
        return new Result(p.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8),
                new String(err.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void anArgumentOrStandardInputIsThePromptAsMuchAsTheOption() throws Exception {
        Result option = run("", "--prompt", "Once upon a time");
        assertEquals(0, option.code(), option.err());
        assertFalse(option.out().isBlank());
        Result argument = run("", "Once upon a time");
        assertEquals(0, argument.code(), argument.err());
        assertEquals(option.out(), argument.out());
        Result piped = run("Once upon a time\n");
        assertEquals(0, piped.code(), piped.err());
        assertEquals(option.out(), piped.out());
        Result dash = run("Once upon a time", "-p", "-");
        assertEquals(option.out(), dash.out());
    }

    @Test
    void twoPromptsOrNoneAreRefused() throws Exception {
        Result both = run("", "--prompt", "a", "b");
        assertEquals(2, both.code(), both.err());
        assertTrue(both.err().contains("give the prompt once"), both.err());
        Result empty = run("");
        assertEquals(2, empty.code(), empty.err());
        assertTrue(empty.err().contains("the prompt on standard input is empty"), empty.err());
    }
}
