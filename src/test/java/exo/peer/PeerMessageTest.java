package exo.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.engine.Activations;
import exo.peer.PeerMessage.Error;
import exo.peer.PeerMessage.Forward;
import exo.peer.PeerMessage.Hello;
import exo.peer.PeerMessage.LoadShard;
import exo.peer.PeerMessage.SessionStart;
import exo.peer.PeerMessage.ShardProgress;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import exo.topology.Shard;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeerMessageTest {
    private final NodeInfo node = new NodeInfo("a", "127.0.0.1", 1, DeviceCapabilities.hypothetical("a", 1));
    private final ModelRef model = new ModelRef("m", "m.gguf", Optional.empty(), "F32", 0);

    @Test
    void helloNeedsA32ByteNonceAndAFingerprintOf0or8Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new Hello(1, node, new byte[31], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new Hello(1, node, new byte[32], new byte[7]));
        assertThrows(IllegalArgumentException.class, () -> new Hello(0, node, new byte[32], new byte[0]));
        assertFalse(new Hello(1, node, new byte[32], new byte[0]).keyed());
        assertTrue(new Hello(1, node, new byte[32], new byte[8]).keyed());
    }

    @Test
    void messagesWithArraysCompareByContentAndCopyThem() {
        byte[] nonce = new byte[32];
        Hello a = new Hello(1, node, nonce, new byte[0]);
        nonce[0] = 1;
        assertEquals(new Hello(1, node, new byte[32], new byte[0]), a, "the record kept a copy");
        assertNotEquals(new Hello(1, node, nonce, new byte[0]), a);
        int[] ids = {1, 2};
        var tokens = new Payload.TokenIds(ids);
        ids[0] = 9;
        assertEquals(new Payload.TokenIds(new int[] {1, 2}), tokens);
    }

    @Test
    void sessionStartNeedsAContiguousRingOverAllLayers() {
        var ok = new SessionStart("s", "m", List.of(new RingEntry("a", 0, 4), new RingEntry("b", 4, 8)), 8, WireDtype.F32);
        assertEquals("b", ok.after("a").orElseThrow().nodeId());
        assertEquals("a", ok.after("b").orElseThrow().nodeId(), "the tail's output goes back to the head");
        assertTrue(ok.after("z").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new SessionStart("s", "m",
                List.of(new RingEntry("a", 0, 4), new RingEntry("b", 5, 8)), 8, WireDtype.F32));
        assertThrows(IllegalArgumentException.class, () -> new SessionStart("s", "m",
                List.of(new RingEntry("a", 0, 4)), 8, WireDtype.F32));
        assertThrows(IllegalArgumentException.class, () -> new SessionStart("s", "m",
                List.of(new RingEntry("a", 0, 4), new RingEntry("a", 4, 8)), 8, WireDtype.F32));
        assertThrows(IllegalArgumentException.class, () -> new SessionStart("s", "m", List.of(), 0, WireDtype.F32));
    }

    @Test
    void loadShardChecksTheShardIsOfTheModel() {
        assertThrows(IllegalArgumentException.class,
                () -> new LoadShard(1, model, new Shard("other", 0, 1, 1), 512, WireDtype.F32));
        assertThrows(IllegalArgumentException.class,
                () -> new LoadShard(1, model, new Shard("m", 0, 1, 1), 0, WireDtype.F32));
    }

    @Test
    void modelFileNamesCannotLeaveTheModelsDirectory() {
        assertThrows(IllegalArgumentException.class, () -> new ModelRef("m", "/etc/passwd", Optional.empty(), "F32", 0));
        assertThrows(IllegalArgumentException.class, () -> new ModelRef("m", "../x.gguf", Optional.empty(), "F32", 0));
        assertThrows(IllegalArgumentException.class, () -> new ModelRef("m", "a/../../x.gguf", Optional.empty(), "F32", 0));
        assertEquals("Q4/x..gguf", new ModelRef("m", "Q4/x..gguf", Optional.empty(), "F32", 0).fileName());
    }

    @Test
    void otherFieldsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new ShardProgress(1, 10, 5));
        assertThrows(IllegalArgumentException.class, () -> new Forward("", 0, new Payload.TokenIds(new int[] {1})));
        assertThrows(IllegalArgumentException.class, () -> new Forward("s", -1, new Payload.TokenIds(new int[] {1})));
        assertThrows(IllegalArgumentException.class, () -> new exo.peer.HopTrace(-1, 0));
        Forward first = new Forward("s", 3, new Payload.TokenIds(new int[] {1}));
        Forward second = first.next(new Payload.TokenIds(new int[] {2}), new exo.peer.HopTrace(5, 7));
        assertEquals(java.util.List.of(new exo.peer.HopTrace(5, 7)), second.trace());
        assertEquals(3, second.position());
        assertEquals(java.util.List.of(), first.trace(), "the forward it came from is unchanged");
        assertThrows(IllegalArgumentException.class, () -> new Payload.TokenIds(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> new Error(Optional.empty(), "Bad Code", "x"));
        assertThrows(IllegalArgumentException.class,
                () -> new Payload.HiddenState(WireDtype.F16, 2, 2, new byte[16]));
        assertThrows(IllegalArgumentException.class,
                () -> Payload.of(new Activations.Logits(new float[2], 1, 2), WireDtype.F32));
    }

    @Test
    void longFreeTextIsCutNotRefused() {
        assertEquals(4000, new Error(Optional.empty(), "internal", "x".repeat(100_000)).message().length());
    }

    @Test
    void clusterKeyProofsBindTheKeyTheNonceAndBothIds() {
        ClusterKey key = ClusterKey.of("hunter2");
        byte[] nonce = new byte[32];
        byte[] proof = key.proof(nonce, "a", "b");
        assertTrue(key.verify(proof, nonce, "a", "b"));
        assertFalse(key.verify(proof, nonce, "b", "a"), "a proof reflected back to its sender fails");
        assertFalse(key.verify(proof, new byte[] {1}, "a", "b"));
        assertFalse(ClusterKey.of("hunter3").verify(proof, nonce, "a", "b"));
        assertEquals(16, key.fingerprintHex().length());
        assertNotEquals(key.fingerprintHex(), ClusterKey.of("hunter3").fingerprintHex());
        assertFalse(key.toString().contains("hunter2"));
    }
}
