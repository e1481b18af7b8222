package exo.peer.netty;

import exo.engine.Activations;
import exo.peer.ClusterKey;
import exo.peer.HopTrace;
import exo.peer.ModelRef;
import exo.peer.Payload;
import exo.peer.PeerMessage;
import exo.peer.PeerMessage.Error;
import exo.peer.PeerMessage.Forward;
import exo.peer.PeerMessage.Heartbeat;
import exo.peer.PeerMessage.Hello;
import exo.peer.PeerMessage.HelloProof;
import exo.peer.PeerMessage.LoadShard;
import exo.peer.PeerMessage.Release;
import exo.peer.PeerMessage.SessionStart;
import exo.peer.PeerMessage.ShardFailed;
import exo.peer.PeerMessage.ShardProgress;
import exo.peer.PeerMessage.ShardReady;
import exo.peer.RingEntry;
import exo.peer.WireDtype;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import exo.topology.Shard;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/** One or more instances of every message, with every optional field both ways. */
final class Samples {
    private Samples() {
    }

    static NodeInfo node(String id) {
        return new NodeInfo(id, "127.0.0.1", 0, new DeviceCapabilities("box-" + id, 8L << 30, 8, 1.5e12));
    }

    static float[] randomFloats(int n, long seed) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian() * 3;
        }
        return f;
    }

    static List<PeerMessage> all() {
        byte[] nonce = new byte[PeerMessage.NONCE_BYTES];
        new Random(1).nextBytes(nonce);
        ClusterKey key = ClusterKey.of("s3cret");
        var model = new ModelRef("llama-3.2-1b", "Llama-3.2-1B-Instruct-Q8_0.gguf",
                Optional.of("bartowski/Llama-3.2-1B-Instruct-GGUF"), "Q8_0", 1_321_083_104L);
        var local = new ModelRef("stories260K", "stories260K.gguf", Optional.empty(), "F32", 0);
        var hidden = new Activations.Hidden(randomFloats(3 * 8, 2), 3, 8);
        return List.of(
                new Hello(PeerMessage.PROTOCOL_VERSION, new NodeInfo("node-a", "10.0.0.5", 5678,
                        new DeviceCapabilities("Lämp mini PC", 16L << 30, 4, 2.5e11, "ggml/CPU")), nonce, new byte[0]),
                new Hello(PeerMessage.PROTOCOL_VERSION, node("b"), nonce, key.fingerprint()),
                new HelloProof(key.proof(nonce, "a", "b")),
                new LoadShard(7, model, new Shard("llama-3.2-1b", 0, 8, 16), 4096, WireDtype.F32),
                new LoadShard(8, local, new Shard("stories260K", 3, 5, 5), 512, WireDtype.BF16),
                new ShardReady(7, "llama-3.2-1b", 0, 8),
                new ShardFailed(8, "not enough memory: 3 GiB needed, 2 GiB free"),
                new ShardProgress(9, 1 << 20, 1_321_083_104L),
                new PeerMessage.RangeRequest(10, local, 1 << 20, 4 << 20),
                new PeerMessage.RangeReply(10, 1 << 20, new byte[] {1, 2, 3}, new byte[32]),
                new PeerMessage.RangeFailed(10, "this node does not hold stories260K.gguf"),
                new SessionStart("chat-1", "llama-3.2-1b",
                        List.of(new RingEntry("b", 0, 5), new RingEntry("c", 5, 12), new RingEntry("a", 12, 16)),
                        16, WireDtype.F16),
                new Forward("chat-1", 0, new Payload.TokenIds(new int[] {1, 15043, 3186})),
                new Forward("chat-1", 3, Payload.HiddenState.of(hidden, WireDtype.F32)),
                new Forward("chat-1", 3, Payload.HiddenState.of(hidden, WireDtype.F16)),
                new Forward("chat-1", 3, Payload.HiddenState.of(hidden, WireDtype.BF16)),
                new Forward("chat-1", 3, Payload.HiddenState.of(hidden, WireDtype.F32),
                        List.of(new HopTrace(1_500, 2_000_000), new HopTrace(0, 3_000_000))),
                new Release("chat-1"),
                new Heartbeat(7, 1_700_000_000_000L),
                new PeerMessage.StatusRequest(11),
                new PeerMessage.Status(11, 0, List.of(), List.of()),
                new PeerMessage.Status(12, 93_000, List.of(new Shard("llama-3.2-1b", 0, 10, 16),
                        new Shard("stories260K", 0, 5, 5)), List.of(
                        new exo.peer.SessionStatus("chat-1", "llama-3.2-1b", List.of("b", "a"), 0, 10, 57, 1_200),
                        new exo.peer.SessionStatus("serve-2", "llama-3.2-1b", List.of("b"), 0, 16, 0, 0))),
                new Error(Optional.of("chat-1"), "unknown-session", "no session chat-1 here"),
                new Error(Optional.empty(), "handshake-refused", "wrong key"));
    }
}
