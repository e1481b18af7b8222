package exo.discovery;

import exo.InvalidInputException;

import java.util.Locale;

/** The {@code --discovery} option. */
public enum DiscoveryMode {
    MDNS, STATIC, BOTH;

    /** Parses {@code mdns}, {@code static} or {@code both}, in any case. */
    public static DiscoveryMode parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("discovery", "unknown discovery '" + text + "': expected mdns, static or both");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
