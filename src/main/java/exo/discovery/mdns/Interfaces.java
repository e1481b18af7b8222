package exo.discovery.mdns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/** The interfaces mDNS should run on. */
public final class Interfaces {
    private Interfaces() {
    }

    /**
     * One IPv4 address of every interface that is up, not loopback and multicast-capable.
     * IPv4 only because exo's peer protocol dials the advertised address and one address family
     * per interface keeps one entry per interface; one address per interface because JmDNS
     * joins the group per interface, and a second instance there would only duplicate traffic.
     */
    public static List<InetAddress> suitableIPv4() throws SocketException {
        List<InetAddress> found = new ArrayList<>();
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (!nic.isUp() || nic.isLoopback() || !nic.supportsMulticast()) {
                continue;
            }
            nic.inetAddresses().filter(a -> a instanceof Inet4Address).findFirst().ifPresent(found::add);
        }
        return found;
    }
}
