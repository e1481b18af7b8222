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
