package exo.discovery.mdns;

import exo.discovery.DiscoveredNode;
import exo.discovery.Discovery;
import exo.discovery.DiscoveryListener;
import exo.discovery.NodeTable;
import exo.discovery.PeerAddress;
import exo.topology.NodeInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import javax.jmdns.impl.ServiceInfoImpl;

/**
 * Discovery by multicast DNS: advertises {@code _exo._tcp.local.} with a {@link ServiceAdvert}
 * TXT record and browses for the same type, on one JmDNS instance per bound IPv4 address (a
 * JmDNS instance serves one interface). A node heard on several interfaces is one entry.
 *
 * <p>Liveness: a clean shutdown sends a goodbye, which JmDNS reports as a removal. A crashed
 * node sends nothing and JmDNS would keep its records for their one-hour TTL, so every node
 * re-announces each refresh interval with a changed {@code seq}, which receivers hear as a
 * fresh resolution; a node unheard for the stale time is lost. JmDNS's TTL is a JVM-wide system
 * property, which is why this does not shorten it instead.
 *
 * <p>Threads: JmDNS calls back on its own threads; everything that touches the table or the
 * listener runs on one scheduler thread, so listener calls keep the order of the changes.
 */
public final class MdnsDiscovery implements Discovery {

    public static final String SERVICE_TYPE = "_exo._tcp.local.";
    /** The peer protocol version advertised as {@code v}; nodes with another are not reported. */
    public static final int PROTOCOL_VERSION = 1;

    private static final System.Logger LOG = System.getLogger(MdnsDiscovery.class.getName());
    /**
     * How long closing holds the caller for an advertising instance. Its first goodbye leaves at
     * once; JmDNS then repeats it twice a second apart and winds its timers down, some 4 s that
     * would hold up every chat, serve or node on its way out. The rest goes on in the background,
     * or ends with the process (a peer that missed every goodbye drops the node when it goes stale).
     */
    private static final long GOODBYE_WAIT_MILLIS = 500;
    private static final int REREAD_ATTEMPTS = 10;
    private static final long REREAD_DELAY_MS = 100;

    private final MdnsConfig config;
    private final NodeTable table = new NodeTable();
    private final ScheduledExecutorService scheduler;
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    // scheduler thread only
    private final Map<String, String> idByChannelAndService = new HashMap<>();
    private final Set<String> warnedVersion = new HashSet<>();
    private DiscoveryListener listener = DiscoveryListener.NONE;
    private long seq;

    public MdnsDiscovery(MdnsConfig config) {
        this.config = config;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "exo-mdns");
            t.setDaemon(true);
            return t;
        });
    }

    /** One JmDNS instance on one interface, and what it advertises there. */
    private record Channel(String name, InetAddress address, JmDNS jmdns, Optional<ServiceInfo> advert) {
    }

    @Override
    public void start(DiscoveryListener listener) throws IOException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("mDNS discovery was already started");
        }
        List<InetAddress> addresses = config.bindAddresses().isEmpty()
                ? Interfaces.suitableIPv4() : config.bindAddresses();
        if (addresses.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "no up, multicast-capable IPv4 interface: mDNS finds nothing");
        }
        scheduler.execute(() -> this.listener = listener);
        try {
            for (InetAddress address : addresses) {
                channels.add(open(address));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        long period = config.refreshInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    private Channel open(InetAddress address) throws IOException {
        String channelName = "mdns@" + address.getHostAddress();
        JmDNS jmdns = JmDNS.create(address, hostName());
        Optional<ServiceInfo> advert = Optional.empty();
        try {
            if (config.self().isPresent()) {
                NodeInfo self = config.self().get();
                ServiceInfo info = ServiceInfo.create(SERVICE_TYPE, label(self.id()), self.port(), 0, 0,
                        advert(self, 0).toTxt());
                jmdns.registerService(info);
                advert = Optional.of(info);
            }
            jmdns.addServiceListener(SERVICE_TYPE, new Browser(channelName));
        } catch (IOException | RuntimeException e) {
            jmdns.close();   // not yet in channels, so close() would miss it
            throw e;
        }
        Channel channel = new Channel(channelName, address, jmdns, advert);
        LOG.log(System.Logger.Level.DEBUG, "mDNS on {0}{1}", address.getHostAddress(),
                advert.isPresent() ? ", advertising" : ", listening only");
        return channel;
    }

    private ServiceAdvert advert(NodeInfo self, long seq) {
        return new ServiceAdvert(self, PROTOCOL_VERSION, config.clusterFingerprint(), seq);
    }

    private String hostName() {
        String base = config.self().map(s -> "exo-" + s.id()).orElse("exo-peers-" + ProcessHandle.current().pid());
        return label(base.replaceAll("[^A-Za-z0-9-]", "-"));
    }

    /** DNS labels are at most 63 bytes; node ids are ASCII, so characters are bytes. */
    private static String label(String text) {
        return text.length() <= 63 ? text : text.substring(0, 63);
    }

    /** Scheduler thread: re-announce (see the class comment) and drop nodes not heard from. */
    private void refresh() {
        try {
            seq++;
            for (Channel channel : channels) {
                // setText on a service still probing detaches it from JmDNS's prober, and it is
                // never announced; once announced, setText re-announces it (an announcement
                // takes about 2 s, so intervals under that re-announce every other round)
                if (channel.advert().orElse(null) instanceof ServiceInfoImpl info && info.isAnnounced()
                        && config.self().isPresent()) {
                    info.setText(advert(config.self().get(), seq).toTxt());
                }
            }
            var cutoff = config.clock().instant().minus(config.staleAfter());
            for (NodeTable.Change change : table.expire(cutoff, name -> true)) {
                LOG.log(System.Logger.Level.DEBUG, "node {0} not heard from since {1}: lost",
                        change.node().id(), change.node().lastSeen());
                change.deliver(listener);
            }
        } catch (RuntimeException e) {
            // a failed round must not cancel the schedule
            LOG.log(System.Logger.Level.WARNING, "mDNS refresh failed", e);
        }
    }

    /** What a resolution told: the TXT entries and the IPv4 addresses. */
    private record Resolution(Map<String, String> txt, List<InetAddress> addresses) {
        static Resolution of(ServiceInfo info) {
            Map<String, String> txt = new LinkedHashMap<>();
            for (String key : Collections.list(info.getPropertyNames())) {
                String value = info.getPropertyString(key);
                txt.put(key, value == null ? "" : value);
            }
            return new Resolution(txt, List.of(info.getInet4Addresses()));
        }

        boolean complete() {
            return !txt.isEmpty() && !addresses.isEmpty();
        }
    }

    /**
     * Scheduler thread: a resolution heard on {@code channel}. JmDNS reports a service resolved
     * as soon as its SRV record arrives, often before it has read the TXT record from the same
     * packet, and then suppresses the complete report as "already resolved". The event's
     * ServiceInfo is filled in place, so an incomplete one is read again a moment later. (Asking
     * JmDNS again instead, with getServiceInfo, fires fresh events from its cache: a loop that
     * also keeps dead nodes looking alive.) Should it stay incomplete, the node's next
     * re-announcement changes its TXT record and is reported in full.
     */
    private void resolved(String channel, String service, ServiceInfo info, int attempt) {
        Resolution resolution = Resolution.of(info);
        if (resolution.complete()) {
            heard(channel, service, resolution.txt(), resolution.addresses());
        } else if (attempt < REREAD_ATTEMPTS) {
            scheduler.schedule(() -> resolved(channel, service, info, attempt + 1), REREAD_DELAY_MS,
                    TimeUnit.MILLISECONDS);
        } else {
            LOG.log(System.Logger.Level.DEBUG, "service {0} stayed without TXT or address; waiting for its next"
                    + " announcement", service);
        }
    }

    /** Scheduler thread: a complete advert heard on {@code channel}. */
    private void heard(String channel, String service, Map<String, String> txt, List<InetAddress> addresses) {
        LOG.log(System.Logger.Level.TRACE, "heard {0} on {1}: {2}", service, channel, txt);
        ServiceAdvert advert;
        try {
            advert = ServiceAdvert.fromTxt(txt, addresses.getFirst().getHostAddress());
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.DEBUG, "ignoring service {0}: {1}", service, e.getMessage());
            return;
        }
        NodeInfo node = advert.node();
        Optional<String> rejected = AdvertFilter.rejection(config, advert);
        if (rejected.isPresent()) {
            // another cluster or our own advert is normal; another protocol version needs a human
            boolean tell = advert.protocolVersion() != PROTOCOL_VERSION && warnedVersion.add(node.id());
            LOG.log(tell ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, "ignoring node {0} at {1}: {2}",
                    node.id(), node.address(), rejected.get());
            return;
        }
        idByChannelAndService.put(channel + "/" + service, node.id());
        List<PeerAddress> seenAt = addresses.stream()
                .map(a -> new PeerAddress(a.getHostAddress(), node.port())).toList();
        var sighting = new DiscoveredNode(node, seenAt, config.clock().instant(),
                Set.of(DiscoveredNode.Source.MDNS), advert.clusterFingerprint());
        table.put(channel, sighting).ifPresent(change -> change.deliver(listener));
    }

    /** Scheduler thread: JmDNS reports the service gone (a goodbye, or its TTL ran out). */
    private void removed(String channel, String service) {
        String id = idByChannelAndService.remove(channel + "/" + service);
        if (id != null) {
            table.remove(channel, id).ifPresent(change -> change.deliver(listener));
        }
    }

    private void onScheduler(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            // closing: late JmDNS callbacks have nowhere to go
        }
    }

    /** Receives JmDNS's callbacks for one channel and hands them to the scheduler thread. */
    private final class Browser implements ServiceListener {
        private final String channelName;

        Browser(String channelName) {
            this.channelName = channelName;
        }

        @Override
        public void serviceAdded(ServiceEvent event) {
            // an added event carries no TXT or address; ask for them without blocking JmDNS
            event.getDNS().requestServiceInfo(event.getType(), event.getName(), 1);
        }

        @Override
        public void serviceResolved(ServiceEvent event) {
            ServiceInfo info = event.getInfo();
            onScheduler(() -> resolved(channelName, event.getName(), info, 0));
        }

        @Override
        public void serviceRemoved(ServiceEvent event) {
            onScheduler(() -> removed(channelName, event.getName()));
        }
    }

    @Override
    public List<DiscoveredNode> nodes() {
        return table.nodes();
    }

    /** The addresses mDNS runs on (after {@link #start}). */
    public List<InetAddress> boundAddresses() {
        return channels.stream().map(Channel::address).toList();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        // close the instances together: each one's goodbye and shutdown take a moment
        List<Thread> closers = new ArrayList<>();
        for (Channel channel : channels) {
            closers.add(Thread.ofPlatform().daemon().name("exo-mdns-close").start(() -> closeQuietly(channel)));
        }
        if (config.self().isEmpty()) {
            // Listening only, there is no advert to take back: let the instances wind down in the
            // background (about 2 s of JmDNS timers) instead of holding `exo peers` up for them.
            return;
        }
        // Advertising: long enough for the first goodbye to leave, not for JmDNS's whole shutdown.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(GOODBYE_WAIT_MILLIS);
        for (Thread closer : closers) {
            try {
                closer.join(java.time.Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.jmdns().unregisterAllServices();
            channel.jmdns().close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing mDNS on " + channel.address().getHostAddress(), e);
        }
    }
}
