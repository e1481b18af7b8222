package exo.discovery.mdns;

import exo.discovery.ClusterFingerprint;
import exo.discovery.DiscoveredNode;
import exo.discovery.DiscoveryListener;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A process for the multicast tests: runs {@link MdnsDiscovery} bound to one address and prints
 * one line per change, {@code FOUND <id> <addresses> t=<epoch ms>}, {@code UPDATED ...},
 * {@code LOST ...}, after {@code READY <bound addresses> t=<epoch ms>}. It exits by itself after
 * its lifetime so that nothing outlives a test JVM that died before it could clean up.
 *
 * <p>Arguments: {@code <bind-address>[,<bind-address>...] <node-id | -> <port> <lifetime-seconds>
 * [cluster-key]}; a node id of {@code -} listens only, as {@code exo peers} does.
 */
public final class MdnsProbe {
    private MdnsProbe() {
    }

    public static void main(String[] args) throws Exception {
        // JmDNS logs through SLF4J into java.util.logging; held in a local so it is not collected
        Logger jmdnsLog = Logger.getLogger("javax.jmdns");
        jmdnsLog.setLevel(Level.parse(System.getProperty("exo.probe.jmdnsLog", "SEVERE")));
        List<InetAddress> binds = new java.util.ArrayList<>();
        for (String address : args[0].split(",")) {
            binds.add(InetAddress.getByName(address));
        }
        InetAddress bind = binds.getFirst();
        String id = args[1];
        int port = Integer.parseInt(args[2]);
        long lifetime = Long.parseLong(args[3]);
        String key = args.length > 4 ? args[4] : null;
        Optional<NodeInfo> self = id.equals("-") ? Optional.empty()
                : Optional.of(new NodeInfo(id, bind.getHostAddress(), port,
                        new DeviceCapabilities("probe-" + id, 1L << 30, 2, 1e9)));
        // quicker than the defaults (5 s, 15 s) so that the tests see a crashed node go sooner
        var config = new MdnsConfig(self, ClusterFingerprint.of(key), binds,
                Duration.ofSeconds(3), Duration.ofSeconds(9), Clock.systemUTC());
        try (var discovery = new MdnsDiscovery(config)) {
            discovery.start(new DiscoveryListener() {
                @Override
                public void found(DiscoveredNode node) {
                    print("FOUND", node);
                }

                @Override
                public void updated(DiscoveredNode node) {
                    print("UPDATED", node);
                }

                @Override
                public void lost(DiscoveredNode node) {
                    print("LOST", node);
                }
            });
            System.out.println("READY " + discovery.boundAddresses() + " " + now());
            System.out.flush();
            // A line "close" on standard input ends the probe early, as Ctrl-C or Ctrl-D ends exo.
            CountDownLatch done = new CountDownLatch(1);
            Thread.ofPlatform().daemon().start(() -> {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.strip().equals("close")) {
                            done.countDown();
                        }
                    }
                } catch (java.io.IOException e) {
                    // no input: the lifetime ends it
                }
            });
            done.await(lifetime, TimeUnit.SECONDS);
        }
        System.out.println("CLOSED " + jmdnsLog.getName() + " " + now());
        System.out.flush();
        // exo's main exits like this, so what the probe sends before it goes is what exo sends.
        System.exit(0);
    }

    /** The wall-clock time, so that a test can compare the lines of several probes. */
    private static String now() {
        return "t=" + System.currentTimeMillis();
    }

    private static void print(String what, DiscoveredNode node) {
        System.out.println(what + " " + node.id() + " " + node.addresses() + " " + now());
        System.out.flush();
    }
}
