package exo.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real `exo node` in its own JVM, started from the jar the build made, on loopback with port
 * 0. Its stderr is collected so tests can wait for log lines; closing kills it.
 */
final class NodeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [0-9.]+:(\\d+)");

    private final String id;
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private NodeProcess(String id, Process process) {
        this.id = id;
        this.process = process;
        Thread.ofPlatform().daemon().name("node-" + id + "-stderr").start(this::pump);
    }

    static NodeProcess start(String id, String memory, Path home, List<String> peers) throws IOException {
        return start(id, memory, home, peers, exo.TestModels.dir(), java.util.Map.of());
    }

    static NodeProcess start(String id, String memory, Path home, List<String> peers, Path modelsDir,
                             java.util.Map<String, String> env) throws IOException {
        return start(id, memory, home, peers, modelsDir, env, "java");
    }

    /** A node on {@code engine} (the tests above compare with the Java engine, so that is their default). */
    static NodeProcess start(String id, String memory, Path home, List<String> peers, Path modelsDir,
                             java.util.Map<String, String> env, String engine) throws IOException {
        return start(id, memory, home, peers, modelsDir, env, engine, 1);
    }

    static NodeProcess start(String id, String memory, Path home, List<String> peers, Path modelsDir,
                             java.util.Map<String, String> env, String engine, int threads) throws IOException {
        return start(id, memory, home, peers, modelsDir, env, engine, threads, List.of());
    }

    /** As above, with more options for `exo node` (hidden ones that make timeouts short, say). */
    static NodeProcess start(String id, String memory, Path home, List<String> peers, Path modelsDir,
                             java.util.Map<String, String> env, String engine, int threads, List<String> extra)
            throws IOException {
        Path jar = Path.of(System.getProperty("exo.jar", "target/exo.jar"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        // The build's start-up cache halves a node's start (the JVM ignores a stale one).
        Path aot = jar.resolveSibling("exo.aot");
        if (Files.isRegularFile(aot)) {
            cmd.add("-XX:AOTCache=" + aot);
        }
        cmd.addAll(List.of("-jar", jar.toString(), "node"));
        if (!extra.contains("--host")) {
            cmd.addAll(List.of("--host", "127.0.0.1"));
        }
        cmd.addAll(List.of("--port", "0", "--node-id", id, "--name", id,
                "--memory", memory, "--threads", String.valueOf(threads), "--heartbeat-ms", "500", "--discovery", "static",
                "--models-dir", modelsDir.toString(), "--engine", engine));
        cmd.addAll(extra);
        if (!peers.isEmpty()) {
            cmd.add("--peers");
            cmd.add(String.join(",", peers));
        }
        Files.createDirectories(home);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("EXO_HOME", home.toString());
        pb.environment().putAll(env);
        return new NodeProcess(id, pb.start());
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        port.completeExceptionally(new IllegalStateException("node " + id + " exited before listening: " + lines));
    }

    String id() {
        return id;
    }

    int port() throws Exception {
        return port.get(60, TimeUnit.SECONDS);
    }

    String address() throws Exception {
        return "127.0.0.1:" + port();
    }

    /** Waits until a stderr line contains {@code text}; false after {@code millis}. */
    boolean awaitLog(String text, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            synchronized (lines) {
                if (lines.stream().anyMatch(l -> l.contains(text))) {
                    return true;
                }
            }
            Thread.sleep(50);
        }
        return false;
    }

    String log() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void kill() {
        process.destroyForcibly();
    }

    /** Sends a signal ("STOP", "CONT") to the node's process, as a frozen laptop or its waking would. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
