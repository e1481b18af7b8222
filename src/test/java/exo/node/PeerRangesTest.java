package exo.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.download.ByteRange;
import exo.download.ByteSource;
import exo.download.FakeHub;
import exo.peer.ModelRef;
import exo.peer.Peer;
import exo.peer.PeerConfig;
import exo.peer.PeerListener;
import exo.peer.PeerMessage;
import exo.peer.netty.NettyPeerNetwork;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import exo.topology.Shard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node reading a model file from a peer over real connections on loopback: the bytes arrive
 * checked; a peer that sends damaged bytes is caught, and the slice comes from the hub instead.
 */
class PeerRangesTest {
    @TempDir
    Path tmp;

    private static final DeviceCapabilities DEVICE = new DeviceCapabilities("x", 1L << 30, 2, 1e9, "");

    /** A peer answering range requests from {@code file}, damaging every reply when {@code corrupt}. */
    private static PeerListener server(Path file, boolean corrupt) {
        return new PeerListener() {
            @Override
            public void onConnected(Peer peer) {
            }

            @Override
            public void onMessage(Peer peer, PeerMessage m) {
                if (m instanceof PeerMessage.RangeRequest q) {
                    try {
                        byte[] all = Files.readAllBytes(file);
                        byte[] data = java.util.Arrays.copyOfRange(all, (int) q.offset(), (int) q.offset() + q.length());
                        byte[] hash = PeerRanges.sha256(data);
                        if (corrupt) {
                            data[data.length / 2] ^= 1; // damaged after hashing, as a bad link or disk would
                        }
                        peer.send(new PeerMessage.RangeReply(q.requestId(), q.offset(), data, hash));
                    } catch (IOException e) {
                        peer.send(new PeerMessage.RangeFailed(q.requestId(), e.getMessage()));
                    }
                }
            }

            @Override
            public void onDisconnected(Peer peer, String reason) {
            }
        };
    }

    private static PeerListener client(PeerRanges ranges) {
        return new PeerListener() {
            @Override
            public void onConnected(Peer peer) {
            }

            @Override
            public void onMessage(Peer peer, PeerMessage m) {
                switch (m) {
                    case PeerMessage.RangeReply r -> ranges.reply(r);
                    case PeerMessage.RangeFailed f -> ranges.failed(peer, f);
                    default -> {
                    }
                }
            }

            @Override
            public void onDisconnected(Peer peer, String reason) {
            }
        };
    }

    private static NettyPeerNetwork start(String id, PeerListener listener) throws Exception {
        return NettyPeerNetwork.start(PeerConfig.of(new NodeInfo(id, "127.0.0.1", 0, DEVICE)).withBind("127.0.0.1", 0),
                listener);
    }

    @Test
    void rangesArriveCheckedAndDamagedOnesAreRefused() throws Exception {
        Path model = TestModels.stories260K();
        ModelRef ref = new ModelRef("stories260K", "stories260K.gguf", Optional.empty(), "F32", Files.size(model));
        PeerRanges ranges = new PeerRanges();
        try (NettyPeerNetwork good = start("good", server(model, false));
             NettyPeerNetwork bad = start("bad", server(model, true));
             NettyPeerNetwork me = start("me", client(ranges))) {
            Peer toGood = me.connect("127.0.0.1", good.port()).get(5, TimeUnit.SECONDS);
            Peer toBad = me.connect("127.0.0.1", bad.port()).get(5, TimeUnit.SECONDS);
            // More than one 4 MiB request's worth would be needed for a big file; stories260K is 1.1 MiB.
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            ranges.from(toGood, ref).read(new ByteRange(0, Files.size(model)), (offset, bytes) -> {
                byte[] b = new byte[bytes.remaining()];
                bytes.get(b);
                got.write(b, 0, b.length);
            });
            assertArrayEquals(Files.readAllBytes(model), got.toByteArray());
            assertEquals(Files.size(model), ranges.bytesReceived());

            IOException e = assertThrows(IOException.class, () -> ranges.from(toBad, ref)
                    .read(new ByteRange(0, 1000), (offset, bytes) -> { }));
            assertTrue(e.getMessage().contains("do not match their SHA-256"), e.getMessage());
        }
    }

    /** The slice a node needs, asked of a peer that damages it: taken from the hub instead. */
    @Test
    void aSliceADamagingPeerSendsIsFetchedFromTheHub() throws Exception {
        Path model = TestModels.stories260K();
        try (FakeHub hub = FakeHub.start();
             NettyPeerNetwork bad = start("bad", server(model, true))) {
            hub.add("test/stories", "stories260K.gguf", model);
            ModelRef ref = new ModelRef("stories260K", "stories260K.gguf", Optional.of("test/stories"), "F32",
                    Files.size(model));
            PeerRanges ranges = new PeerRanges();
            try (NettyPeerNetwork me = start("me", client(ranges))) {
                Peer toBad = me.connect("127.0.0.1", bad.port()).get(5, TimeUnit.SECONDS);
                Map<String, String> env = Map.of("HF_ENDPOINT", hub.endpoint().toString(), "HF_HOME",
                        tmp.resolve("hf").toString(), "EXO_HOME", tmp.resolve("exo").toString());
                ByteSource peer = ranges.from(toBad, ref);
                Path slice = SliceSource.fromEnvironment(tmp.resolve("models"), env).slice(ref,
                        new Shard("stories260K", 0, 2, 5), Optional.of(peer), exo.download.ProgressListener.NONE);
                assertTrue(Files.isRegularFile(slice) && slice.toString().contains("test--stories"), slice.toString());
                assertTrue(hub.bytesSent() > 0, "the hub sent the slice");
            }
        }
    }
}
