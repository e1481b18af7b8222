package exo.peer.netty;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Bounds the accepted connections that have not finished their handshake: {@value #TOTAL} in
 * all and {@value #PER_ADDRESS} from one address. Each such connection holds buffers and a
 * timer until its handshake times out, so a host opening connections and never saying Hello
 * could otherwise take a node's memory; with these bounds it takes at most its own slots, and
 * peers from other addresses still get in. One refusal per address is logged until its
 * connections are gone.
 */
final class HandshakeSlots {
    static final int TOTAL = 64;
    static final int PER_ADDRESS = 16;

    private final Map<InetAddress, Integer> pending = new HashMap<>();
    private final Set<InetAddress> logged = new HashSet<>();
    private int total;

    /**
     * Takes a slot for a connection from {@code address}, or says why there is none; the
     * second value of a refusal tells whether it is the first from that address (to be logged).
     */
    synchronized Optional<Refusal> take(InetAddress address) {
        int mine = pending.getOrDefault(address, 0);
        String why = total >= TOTAL ? "too many connections (" + TOTAL + ") are in their handshake"
                : mine >= PER_ADDRESS ? "it has " + PER_ADDRESS + " connections in their handshake already" : null;
        if (why != null) {
            return Optional.of(new Refusal(why, logged.add(address)));
        }
        pending.put(address, mine + 1);
        total++;
        return Optional.empty();
    }

    /** Gives back the slot of a connection from {@code address} (its handshake ended either way). */
    synchronized void give(InetAddress address) {
        int mine = pending.getOrDefault(address, 0);
        if (mine <= 1) {
            pending.remove(address);
            logged.remove(address);
        } else {
            pending.put(address, mine - 1);
        }
        total--;
    }

    synchronized int pending() {
        return total;
    }

    record Refusal(String why, boolean first) {
    }
}
