package exo.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** ./exo as a script runs it: a real process, {@code stdin} piped in, stdout and stderr read back. */
final class ExoWithInput {
    record Result(int code, String out, String err) {
    }

    private ExoWithInput() {
    }

    static Result run(String stdin, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of("exo").toAbsolutePath().toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        var out = p.getInputStream();
        var err = p.getErrorStream();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exo " + String.join(" ", args) + " did not finish");
        return new Result(p.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8),
                new String(err.readAllBytes(), StandardCharsets.UTF_8));
    }
}
