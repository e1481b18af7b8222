package exo.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Private LANs for tests: network namespaces joined by veth pairs to bridges that live in
 * namespaces of their own, so nothing touches the host's interfaces and only addresses made here
 * (10.231.0.0/24 by default) exist on the LAN. Needs root and iproute2; {@link #unavailable()}
 * says why it cannot run so a test can skip with the reason.
 *
 * <p>Names are {@code <tag>-<pid>-<n>}: the pid keeps concurrent runs (other worktrees, other
 * test classes) apart, and lets {@link #deleteStale(String)} remove what a crashed run left
 * without touching a live one. {@link #close()} kills every process started here and deletes
 * every namespace; deleting a namespace deletes the veth ends and the bridge inside it.
 */
public final class NetworkNamespaces implements AutoCloseable {

    private static final long COMMAND_TIMEOUT_SECONDS = 20;
    private static final long PROCESS_EXIT_SECONDS = 10;

    /** One namespace on the LAN: its name, its interface and its address there. */
    public record Host(String namespace, String device, String address) {
    }

    private final String tag;
    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private int lanCount;
    private int hostCount;
    private int linkCount;

    /** @param tag a short name for the test, letters and digits (namespace names start with it) */
    public NetworkNamespaces(String tag) {
        if (!tag.matches("[a-z][a-z0-9]{0,11}")) {
            throw new IllegalArgumentException("tag '" + tag + "' must be 1-12 lowercase letters or digits");
        }
        this.tag = tag;
        this.prefix = tag + "-" + ProcessHandle.current().pid() + "-";
    }

    /** Why namespaces cannot be made here, or empty when they can (checked by making one). */
    public static Optional<String> unavailable() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of("network namespaces need Linux, this is " + System.getProperty("os.name"));
        }
        if (findIp().isEmpty()) {
            return Optional.of("the 'ip' command (iproute2) is not installed");
        }
        String probe = "exoprobe-" + ProcessHandle.current().pid();
        try {
            Result add = exec(List.of("ip", "netns", "add", probe));
            if (add.code() != 0) {
                return Optional.of("cannot create a network namespace (need root / CAP_SYS_ADMIN): " + add.output().strip());
            }
            Result veth = exec(List.of("ip", "-n", probe, "link", "add", "a0", "type", "veth", "peer", "name", "b0"));
            if (veth.code() != 0) {
                return Optional.of("cannot create a veth pair: " + veth.output().strip());
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot run 'ip': " + e.getMessage());
        } finally {
            try {
                exec(List.of("ip", "netns", "del", probe));
            } catch (IOException ignored) {
                // the namespace was never made
            }
        }
    }

    private static Optional<Path> findIp() {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path ip = Path.of(dir, "ip");
            if (Files.isExecutable(ip)) {
                return Optional.of(ip);
            }
        }
        return Optional.empty();
    }

    /**
     * Deletes namespaces named {@code <tag>-<pid>-...} whose pid is no longer running: what a
     * crashed or killed run left behind.
     */
    public static void deleteStale(String tag) throws IOException {
        for (String line : exec(List.of("ip", "netns", "list")).output().split("\n")) {
            String name = line.split("\\s+")[0];
            if (!name.startsWith(tag + "-")) {
                continue;
            }
            String[] parts = name.split("-");
            if (parts.length < 3 || !parts[1].matches("\\d+")) {
                continue;
            }
            long pid = Long.parseLong(parts[1]);
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            exec(List.of("ip", "netns", "del", name));
        }
    }

    /** A LAN: a bridge in a namespace of its own, with a /24 subnet such as "10.231.0". */
    public record Lan(String namespace, String subnet) {
    }

    /**
     * Makes {@code count} hosts on one bridged LAN {@code subnet}.0/24 (e.g. "10.231.0"); host
     * {@code i} gets address {@code subnet.(i+1)} on its {@code eth0}.
     */
    public List<Host> bridgedLan(int count, String subnet) throws IOException {
        if (count < 1 || count > 200) {
            throw new IllegalArgumentException("host count " + count + " is not in 1-200");
        }
        Lan lan = lan(subnet);
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            hosts.add(attach(host(), lan, i + 1));
        }
        return hosts;
    }

    /** Makes a LAN: a namespace holding bridge {@code br0}. */
    public Lan lan(String subnet) throws IOException {
        if (!subnet.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("subnet '" + subnet + "' must be three octets, e.g. 10.231.0");
        }
        String bridge = create("br" + lanCount++);
        ip("-n", bridge, "link", "add", "br0", "type", "bridge");
        // snooping could hold back multicast until a querier shows up; a test LAN has none
        ip("-n", bridge, "link", "set", "br0", "type", "bridge", "mcast_snooping", "0");
        ip("-n", bridge, "link", "set", "br0", "up");
        return new Lan(bridge, subnet);
    }

    /** Makes an empty host namespace (loopback up); {@link #attach} plugs it into LANs. */
    public String host() throws IOException {
        String ns = create("h" + hostCount++);
        ip("-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /**
     * Plugs {@code hostNamespace} into {@code lan}: a veth from the bridge to the host's next
     * {@code ethN}, address {@code subnet.number}/24, multicast on. The first LAN of a host also
     * gets the route for 224.0.0.0/4, so multicast sent without a chosen interface leaves there
     * (there is no default route); mDNS picks its interface explicitly on the others.
     */
    public Host attach(String hostNamespace, Lan lan, int number) throws IOException {
        if (number < 1 || number > 254) {
            throw new IllegalArgumentException("host number " + number + " is not in 1-254");
        }
        int index = linkCount++;
        String port = "p" + index;
        int devices = ip("-n", hostNamespace, "-o", "link", "show").split("\n").length - 1;
        String device = "eth" + devices;
        ip("-n", lan.namespace(), "link", "add", port, "type", "veth", "peer", "name", device, "netns", hostNamespace);
        ip("-n", lan.namespace(), "link", "set", port, "master", "br0");
        ip("-n", lan.namespace(), "link", "set", port, "up");
        String address = lan.subnet() + "." + number;
        ip("-n", hostNamespace, "addr", "add", address + "/24", "dev", device);
        ip("-n", hostNamespace, "link", "set", device, "multicast", "on");
        ip("-n", hostNamespace, "link", "set", device, "up");
        if (devices == 0) {
            ip("-n", hostNamespace, "route", "add", "224.0.0.0/4", "dev", device);
        }
        return new Host(hostNamespace, device, address);
    }

    private String create(String suffix) throws IOException {
        String name = prefix + suffix;
        ip("netns", "add", name);
        namespaces.add(name);
        return name;
    }

    /**
     * Starts {@code command} inside {@code namespace}, output to {@code log}; it is killed by
     * {@link #close()}. {@code ip netns exec} execs the command, so the process is the command.
     */
    public Process start(String namespace, List<String> command, Path log) throws IOException {
        if (!namespaces.contains(namespace)) {
            throw new IllegalArgumentException("namespace " + namespace + " was not made here");
        }
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        processes.add(process);
        return process;
    }

    /** Runs {@code ip args...}, failing with its output when it fails. */
    public static String ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Result result = exec(command);
        if (result.code() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + result.code() + "): "
                    + result.output().strip());
        }
        return result.output();
    }

    private record Result(int code, String output) {
    }

    private static Result exec(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within "
                        + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** The namespaces made so far, bridge first. */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    public String tag() {
        return tag;
    }

    /** Kills the processes (politely, then not), then deletes the namespaces; reports the first failure. */
    @Override
    public void close() throws IOException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(PROCESS_EXIT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(PROCESS_EXIT_SECONDS, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        IOException first = null;
        for (String ns : namespaces.reversed()) {
            try {
                ip("netns", "del", ns);
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        namespaces.clear();
        if (first != null) {
            throw first;
        }
    }
}
