package exo.discovery;

import java.util.Locale;

/** The {@code --discovery} option. */
public enum DiscoveryMode {
    MDNS, STATIC, BOTH;

    /** Parses {@code mdns}, {@code static} or {@code both}, in any case. */
    public static DiscoveryMode parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown discovery '" + text + "': expected mdns, static or both", e);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
