package exo.discovery;

import exo.InvalidInputException;

import java.util.Objects;

/**
 * Where a peer's port listens: a host name or IP literal and a port. IPv6 literals are kept
 * without brackets; {@link #toString()} adds them back so the text parses again.
 */
public record PeerAddress(String host, int port) {

    public PeerAddress {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidInputException("peers", "host '" + host + "' is empty or contains spaces");
        }
        if (port < 1 || port > 65535) {
            throw new InvalidInputException("peers", "port " + port + " is not in 1-65535");
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
