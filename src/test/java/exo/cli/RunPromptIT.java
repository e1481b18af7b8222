package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** exo run takes its prompt as Ollama's and llama.cpp's runs do: an option, an argument, or standard input. */
class RunPromptIT {
    private static ExoWithInput.Result run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("run", "--discovery", "static", "--model-file", TestModels.stories260K().toString(),
                "--temperature", "0", "-n", "20"));
        cmd.addAll(List.of(args));
        return ExoWithInput.run(stdin, cmd);
    }

    @Test
    void anArgumentOrStandardInputIsThePromptAsMuchAsTheOption() throws Exception {
        ExoWithInput.Result option = run("", "--prompt", "Once upon a time");
        assertEquals(0, option.code(), option.err());
        assertFalse(option.out().isBlank());
        ExoWithInput.Result argument = run("", "Once upon a time");
        assertEquals(0, argument.code(), argument.err());
        assertEquals(option.out(), argument.out());
        ExoWithInput.Result piped = run("Once upon a time\n");
        assertEquals(0, piped.code(), piped.err());
        assertEquals(option.out(), piped.out());
        ExoWithInput.Result dash = run("Once upon a time", "-p", "-");
        assertEquals(option.out(), dash.out());
    }

    @Test
    void twoPromptsOrNoneAreRefused() throws Exception {
        ExoWithInput.Result both = run("", "--prompt", "a", "b");
        assertEquals(2, both.code(), both.err());
        assertTrue(both.err().contains("give the prompt once"), both.err());
        ExoWithInput.Result empty = run("");
        assertEquals(2, empty.code(), empty.err());
        assertTrue(empty.err().contains("the prompt on standard input is empty"), empty.err());
    }
}
