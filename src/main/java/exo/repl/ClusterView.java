package exo.repl;

import java.util.function.Supplier;

/**
 * What /plan and /peers show: the ring in use and the nodes this machine sees; and what runs
 * before each turn (a ring re-plans there when machines joined or came back, never mid-answer).
 */
public record ClusterView(Supplier<String> plan, Supplier<String> peers, Runnable beforeTurn) {

    public ClusterView(Supplier<String> plan, Supplier<String> peers) {
        this(plan, peers, () -> { });
    }

    /** A chat on this machine alone. */
    public static ClusterView alone(String model, int layers) {
        return new ClusterView(() -> "this machine alone: layers 0-" + (layers - 1) + " of " + model,
                () -> "no peers: this chat runs on this machine alone");
    }
}
