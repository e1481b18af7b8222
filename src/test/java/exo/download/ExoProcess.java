package exo.download;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code exo} as a separate JVM on the test classpath with an environment of the test's
 * choosing (HF_ENDPOINT and the cache folders cannot be set inside this JVM), output to files.
 */
public final class ExoProcess implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    /** The exit code and what the process printed. */
    public record Result(int exitCode, String out, String err) {
    }

    private ExoProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static ExoProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String flags = System.getProperty("exo.jvm.flags",
                "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED");
        cmd.addAll(List.of(flags.strip().split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "exo.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // Only the variables the test gives: the developer's own HF_TOKEN or cache must not leak in.
        pb.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("EXO_"));
        pb.environment().putAll(env);
        Files.createDirectories(workDir);
        Path out = Files.createTempFile(workDir, "exo", ".out");
        Path err = Files.createTempFile(workDir, "exo", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        return new ExoProcess(p, out, err);
    }

    public static Result run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        try (ExoProcess p = start(workDir, env, args)) {
            return p.await(60);
        }
    }

    /** What the process wrote to stdout so far (it keeps running). */
    public String stdoutSoFar() throws IOException {
        return Files.readString(stdout);
    }

    public Result await(int seconds) throws IOException, InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException("exo did not finish in " + seconds + " s; stderr: " + Files.readString(stderr));
        }
        // The JVM itself announces the incubating Vector API on every start; it is not exo's output.
        String err = Files.readString(stderr).replaceFirst("^WARNING: Using incubator modules: jdk.incubator.vector\\R", "");
        return new Result(process.exitValue(), Files.readString(stdout), err);
    }

    /**
     * Waits until the process's stderr has a line matching {@code pattern} (a server saying where
     * it listens) and returns the match.
     */
    public java.util.regex.Matcher awaitStderr(java.util.regex.Pattern pattern, int seconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            java.util.regex.Matcher m = pattern.matcher(Files.readString(stderr));
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("exo did not print " + pattern + " in " + seconds + " s; stderr: "
                + Files.readString(stderr));
    }

    /** What the process wrote to stderr so far. */
    public String stderr() throws IOException {
        return Files.readString(stderr);
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Asks the process to stop, as Ctrl-C or SIGTERM do (its shutdown hooks run), and waits for it. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
