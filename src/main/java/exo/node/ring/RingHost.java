package exo.node.ring;

import exo.engine.EngineFactory;
import exo.peer.ModelRef;
import exo.peer.PeerNetwork;
import exo.topology.NodeInfo;
import java.nio.file.Path;

/**
 * What forming a ring needs of the node that will be its tail, and no more: who it is, its
 * peers, its pending loads, the engines it opens its own slice with, and where the ring goes
 * once formed. The node implements it; the ring's code does not depend on the node's.
 */
public interface RingHost {
    NodeInfo info();

    PeerNetwork network();

    ShardLoads loads();

    EngineFactory engines();

    /** Lets peers without the model read {@code file} from this node. */
    void offer(ModelRef model, Path file);

    /** Routes hidden states coming back round to {@code ring}. */
    void attachTail(RingEngine ring);

    /** The frame limit of the peer connections: longer prompts cross in chunks. */
    int maxFrameBytes();
}
