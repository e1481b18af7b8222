package exo.node;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Measures this machine: its name, the memory a shard can use and its cores. Usable memory is
 * what the kernel reports as available (MemAvailable: free plus reclaimable cache), not the
 * total, since other programs keep theirs; where /proc/meminfo is absent the JVM's view of
 * free physical memory stands in.
 */
public final class LocalMachine {
    private LocalMachine() {
    }

    public static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * The address peers should dial for a node bound to {@code bind}: the bind address itself,
     * or for a wildcard bind this machine's first up, non-loopback IPv4 address.
     */
    public static String advertisedHost(String bind) {
        if (!isWildcard(bind)) {
            return bind;
        }
        try {
            for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (java.net.InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                    if (a instanceof java.net.Inet4Address && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (java.net.SocketException e) {
            // fall through to loopback
        }
        return "127.0.0.1";
    }

    /** Whether {@code bind} means every interface. */
    public static boolean isWildcard(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::");
    }

    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The system's load over the last minute (runnable processes), or -1 where the OS does not say. */
    public static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /**
     * Compute threads that leave room for what else runs: every core on an idle machine, one
     * fewer per core the last minute's load kept busy, at least one. ggml's threads meet at a
     * barrier after every op, so a thread the OS has to take away costs a whole time slice per
     * op: two exo processes with a thread per core each on a 2-core machine decoded at a tenth
     * of their speed with one thread each.
     */
    public static int defaultThreads() {
        return threadsFor(cores(), loadAverage());
    }

    static int threadsFor(int cores, double load) {
        if (load < 0) {
            return cores;
        }
        return Math.max(1, Math.min(cores, cores - (int) Math.round(load)));
    }

    /** Whether the machine runs more than it has cores for (the last minute's load above the cores). */
    public static boolean busy() {
        return loadAverage() > cores();
    }

    public static long usableMemoryBytes() {
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.isReadable(meminfo)) {
            try {
                List<String> lines = Files.readAllLines(meminfo);
                for (String line : lines) {
                    if (line.startsWith("MemAvailable:")) {
                        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // fall through to the JVM's figure
            }
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getFreeMemorySize();
    }
}
