package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ./exo launcher as a user runs it: a real process that finds JDK 25 by itself (with
 * JAVA_HOME pointing at an older JDK or unset), runs the jar the build just made and passes
 * exit codes through.
 */
class LauncherIT {
    record Result(int code, String out, String err) {
    }

    static Result exo(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of("exo").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exo " + String.join(" ", args) + " did not finish");
        return new Result(p.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8),
                new String(err.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void versionFindsJdk25EvenWhenJavaHomeIsOlder() throws Exception {
        Result r = exo(Map.of("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64"), "--version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("exo "), r.out());
        assertTrue(r.out().contains("Java 25") || r.out().matches("(?s).*Java 2[5-9].*"), r.out());
        assertTrue(!r.err().contains("building"), "the fresh jar is used, not rebuilt: " + r.err());
    }

    @Test
    void exitCodesPassThrough() throws Exception {
        assertEquals(0, exo(Map.of(), "--help").code());
        Result unknown = exo(Map.of(), "plan", "no-such-model");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("exo: unknown model 'no-such-model'"), unknown.err());
        assertEquals(1, exo(Map.of(), "plan", "llama-3.1-405b", "--device", "a=8GB").code());
        Result plan = exo(Map.of(), "plan", "stories-260k", "--memory", "1GB", "--discovery", "static");
        assertEquals(0, plan.code(), plan.err());
        assertTrue(plan.out().contains("head+tail"), plan.out());
        Result unitless = exo(Map.of(), "plan", "llama-3-70b", "--device", "studio=192");
        assertEquals(2, unitless.code());
        assertTrue(unitless.err().contains("'192' has no unit: write 192GB, 192MB or 192B"), unitless.err());
    }
}
