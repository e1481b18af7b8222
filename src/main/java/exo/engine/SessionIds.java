package exo.engine;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Session ids no other tail will pick: a purpose, this process's random 64 bits, and a counter.
 * Nodes key their caches by session id, so two tails using the same nodes (two people chatting,
 * a server's requests) must never name a session alike.
 */
public final class SessionIds {
    private static final String PROCESS = HexFormat.of().toHexDigits(new SecureRandom().nextLong());
    private static final AtomicLong COUNTER = new AtomicLong();

    private SessionIds() {
    }

    /** "PURPOSE-PROCESS-N", as "chat-3fa9c2e01b7d4c55-1". */
    public static String next(String purpose) {
        return purpose + "-" + PROCESS + "-" + COUNTER.incrementAndGet();
    }
}
