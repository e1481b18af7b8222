package exo.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real `exo serve` in a JVM of its own with JVM options of the test's choosing (a small heap),
 * stderr to a file: its port, its log, its thread count and resident memory from /proc, and
 * SIGTERM as a service manager sends it.
 */
final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final Path stderr;
    private final int port;

    private ServeProcess(Process process, Path stderr) throws IOException, InterruptedException {
        this.process = process;
        this.stderr = stderr;
        this.port = Integer.parseInt(await(LISTENING, 60).group(1));
    }

    /** Starts `exo serve ARGS` with {@code jvmOptions} before the main class, and waits until it listens. */
    static ServeProcess start(Path dir, List<String> jvmOptions, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(System.getProperty("exo.jvm.flags",
                "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED").strip().split("\\s+")));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "exo.cli.Main", "serve"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("EXO_"));
        pb.environment().put("EXO_HOME", dir.resolve("exo-home").toString());
        pb.environment().putAll(env);
        Files.createDirectories(dir);
        Path err = Files.createTempFile(dir, "serve", ".err");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            return new ServeProcess(p, err);
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    int port() {
        return port;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    /** Waits until stderr matches {@code pattern}; fails after {@code seconds}. */
    Matcher await(Pattern pattern, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(Files.readString(stderr));
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("exo serve did not log " + pattern + " in " + seconds + " s; stderr: "
                + Files.readString(stderr));
    }

    /** How many times stderr has a line matching {@code pattern}. */
    long count(Pattern pattern) throws IOException {
        return Files.readString(stderr).lines().filter(l -> pattern.matcher(l).find()).count();
    }

    /** Live threads of the server's JVM. */
    int threads() throws IOException {
        return (int) status("Threads:");
    }

    /** Resident memory of the server's JVM, in bytes. */
    long residentBytes() throws IOException {
        return status("VmRSS:") * 1024;
    }

    private long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).strip().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + process.pid() + "/status");
    }

    /** SIGTERM, as systemd or docker stop sends it. */
    void terminate() {
        process.destroy();
    }

    boolean awaitExit(int seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
