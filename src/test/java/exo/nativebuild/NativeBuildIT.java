package exo.nativebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * native-build/build.sh makes a tarball that runs exo on a machine without Java: unpacked here,
 * with JAVA_HOME unset and nothing on PATH, its bin/exo answers as the built jar does.
 */
class NativeBuildIT {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    private static Result run(Path dir, Map<String, String> env, List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
        return new Result(p.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8),
                new String(err.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void theTarballRunsExoWithoutAJdk() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Map<String, String> build = new java.util.HashMap<>(System.getenv());
        Result built = run(root, build, List.of("bash", "native-build/build.sh", "--no-deb"));
        assertEquals(0, built.code(), built.out() + built.err());
        Path tarball;
        try (var files = Files.list(root.resolve("target/native"))) {
            tarball = files.filter(p -> p.getFileName().toString().endsWith(".tar.gz")).findFirst().orElseThrow();
        }
        Result unpacked = run(tmp, build, List.of("tar", "-xzf", tarball.toString()));
        assertEquals(0, unpacked.code(), unpacked.err());
        String name = tarball.getFileName().toString().replace(".tar.gz", "");
        Path exo = tmp.resolve(name).resolve("bin/exo");

        // No JAVA_HOME, an empty PATH: only the image's own runtime can run it.
        Map<String, String> bare = Map.of("HOME", tmp.toString(), "PATH", "");
        Result version = run(tmp, bare, List.of(exo.toString(), "--version"));
        assertEquals(0, version.code(), version.err());
        assertTrue(version.out().startsWith("exo "), version.out());

        List<String> args = List.of("run", "--discovery", "static", "--model-file", TestModels.stories260K().toString(), "--prompt",
                "Once upon a time", "-n", "16", "--temperature", "0");
        List<String> image = new ArrayList<>(List.of(exo.toString()));
        image.addAll(args);
        Result fromImage = run(tmp, bare, image);
        assertEquals(0, fromImage.code(), fromImage.err());
        List<String> jar = new ArrayList<>(List.of(root.resolve("exo").toString()));
        jar.addAll(args);
        Result fromJar = run(root, build, jar);
        assertEquals(0, fromJar.code(), fromJar.err());
        assertEquals(fromJar.out(), fromImage.out());
    }
}
