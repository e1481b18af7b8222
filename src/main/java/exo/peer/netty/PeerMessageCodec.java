package exo.peer.netty;

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
import exo.peer.PeerMessage.RangeFailed;
import exo.peer.PeerMessage.RangeReply;
import exo.peer.PeerMessage.RangeRequest;
import exo.peer.PeerMessage.Release;
import exo.peer.PeerMessage.SessionStart;
import exo.peer.PeerMessage.ShardFailed;
import exo.peer.PeerMessage.ShardProgress;
import exo.peer.PeerMessage.ShardReady;
import exo.peer.PeerMessage.Status;
import exo.peer.PeerMessage.StatusRequest;
import exo.peer.RingEntry;
import exo.peer.SessionStatus;
import exo.peer.WireDtype;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import exo.topology.Shard;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageCodec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One frame (without its length field) to one {@link PeerMessage} and back.
 *
 * <h2>Frame layout</h2>
 * Every frame is a 4-byte big-endian length, counting the bytes after it, then a 1-byte
 * message type, then the message's fields. Numbers are big-endian two's complement
 * (i32, i64), u8/u16/u32 unsigned; floats are raw IEEE bits, big-endian; a string is a u16
 * byte count and UTF-8; an array is a u32 element count and the elements; an optional
 * value is a u8 0 (absent) or 1 followed by the value. A dtype is a u8: 0 F32, 1 F16, 2 BF16.
 *
 * <pre>
 * type  message        fields
 * 0x01  Hello          'E' 'X' 'O' u8 version | node: str id, str host, u16 port, str name,
 *                      i64 memory, i32 cores, f64 flops, str engine | u8[] nonce (32) | u8[] key fingerprint (0 or 8)
 * 0x02  HelloProof     u8[] hmac (32)
 * 0x10  LoadShard      i64 request | str model, str file, opt str repo, str quant, i64 size |
 *                      i32 start, i32 end, i32 layers | i32 context | dtype wire
 * 0x11  ShardReady     i64 request | str model | i32 start | i32 end
 * 0x12  ShardFailed    i64 request | str reason
 * 0x13  ShardProgress  i64 request | i64 done | i64 total
 * 0x14  RangeRequest   i64 request | model as in LoadShard | i64 offset | i32 length
 * 0x15  RangeReply     i64 request | i64 offset | u8[] data | u8[] sha256 (32)
 * 0x16  RangeFailed    i64 request | str reason
 * 0x20  SessionStart   str session | str model | u32 n, n x (str node, i32 start, i32 end, str address) | i32 layers | dtype wire
 * 0x21  Forward        str session | i32 position | u8 kind: 0 = i32[] token ids,
 *                      1 = dtype, u32 count, u32 dim, count x dim raw values |
 *                      u8 n, n x (i64 queue nanos, i64 compute nanos): one trace entry per node passed
 * 0x23  Release        str session
 * 0x30  Heartbeat      i64 sequence | i64 sender millis
 * 0x40  StatusRequest  i64 request
 * 0x41  Status         i64 request | i64 uptime millis | u32 n, n x (str model, i32 start, i32 end, i32 layers) |
 *                      u32 m, m x (str session, str model, u8 k, k x str node, i32 start, i32 end,
 *                      i32 tokens, i64 idle millis)
 * 0x3F  Error          opt str session | str code | str message
 * </pre>
 *
 * The Hello is the first frame each way; its magic "EXO" and version come before any
 * other field so that a stranger or another version is told apart before we parse further.
 *
 * <h2>Example bytes</h2>
 * {@code Heartbeat(sequence 7, senderMillis 1_700_000_000_000)}, 21 bytes:
 * <pre>
 * 00 00 00 11                length 17
 * 30                         type Heartbeat
 * 00 00 00 00 00 00 00 07    sequence 7
 * 00 00 01 8B CF E5 68 00    sender millis 1700000000000
 * </pre>
 * {@code Forward("s1", position 0, token ids [1, 15043])}, 27 bytes:
 * <pre>
 * 00 00 00 17                length 23
 * 21                         type Forward
 * 00 02 73 31                session "s1" (u16 length 2, UTF-8)
 * 00 00 00 00                position 0
 * 00                         kind: token ids
 * 00 00 00 02                2 ids
 * 00 00 00 01                id 1
 * 00 00 3A C3                id 15043
 * 00                         no trace entries yet
 * </pre>
 * A Forward of a hidden state of 64 tokens x 2048 for session "s1" carries 24 bytes besides
 * the values (length 4, type 1, session 4, position 4, kind 1, dtype 1, count 4, dim 4, trace 1),
 * 16 per node it has passed, and 524,288 value bytes in F32, 262,144 in F16 or BF16.
 *
 * <p>Decoding fails with a {@link WireException} (the connection is then closed) on an
 * unknown type, a wrong magic or version, a field cut short, bytes left over, or values a
 * record refuses. Encoding refuses a message whose frame would exceed {@code maxFrameBytes},
 * failing that write only: the peer would close the connection over it.
 */
public final class PeerMessageCodec extends MessageToMessageCodec<ByteBuf, PeerMessage> {
    static final byte[] MAGIC = {'E', 'X', 'O'};

    static final int HELLO = 0x01;
    static final int HELLO_PROOF = 0x02;
    static final int LOAD_SHARD = 0x10;
    static final int SHARD_READY = 0x11;
    static final int SHARD_FAILED = 0x12;
    static final int SHARD_PROGRESS = 0x13;
    static final int RANGE_REQUEST = 0x14;
    static final int RANGE_REPLY = 0x15;
    static final int RANGE_FAILED = 0x16;
    static final int SESSION_START = 0x20;
    static final int FORWARD = 0x21;
    static final int RELEASE = 0x23;
    static final int HEARTBEAT = 0x30;
    static final int STATUS_REQUEST = 0x40;
    static final int STATUS = 0x41;
    static final int ERROR = 0x3F;

    private final int maxFrameBytes;

    public PeerMessageCodec(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, PeerMessage msg, List<Object> out) {
        ByteBuf buf = ctx.alloc().buffer(sizeHint(msg));
        try {
            write(msg, new WireWriter(buf));
            if (buf.readableBytes() > maxFrameBytes) {
                throw new EncoderException(msg.getClass().getSimpleName() + " of " + buf.readableBytes()
                        + " bytes exceeds the max frame of " + maxFrameBytes + " bytes");
            }
            out.add(buf);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(read(frame));
    }

    private static int sizeHint(PeerMessage msg) {
        return msg instanceof Forward f && f.payload() instanceof Payload.HiddenState h ? 64 + h.bytes().remaining() : 256;
    }

    static void write(PeerMessage msg, WireWriter w) {
        switch (msg) {
            case Hello h -> {
                w.u8(HELLO).u8(MAGIC[0]).u8(MAGIC[1]).u8(MAGIC[2]).u8(h.protocolVersion());
                NodeInfo n = h.node();
                w.string(n.id()).string(n.host()).u16(n.port()).string(n.device().name())
                        .i64(n.device().memoryBytes()).i32(n.device().cores()).f64(n.device().flops())
                        .string(n.device().engine());
                w.bytes(h.nonce()).bytes(h.keyFingerprint());
            }
            case HelloProof p -> w.u8(HELLO_PROOF).bytes(p.mac());
            case LoadShard l -> {
                w.u8(LOAD_SHARD).i64(l.requestId());
                writeModel(w, l.model());
                w.i32(l.shard().start()).i32(l.shard().end()).i32(l.shard().layers()).i32(l.contextLength());
                w.u8(dtypeCode(l.wireDtype()));
            }
            case ShardReady r -> w.u8(SHARD_READY).i64(r.requestId()).string(r.modelId()).i32(r.start()).i32(r.end());
            case ShardFailed f -> w.u8(SHARD_FAILED).i64(f.requestId()).string(f.reason());
            case ShardProgress p -> w.u8(SHARD_PROGRESS).i64(p.requestId()).i64(p.bytesDone()).i64(p.bytesTotal());
            case RangeRequest q -> {
                w.u8(RANGE_REQUEST).i64(q.requestId());
                writeModel(w, q.model());
                w.i64(q.offset()).i32(q.length());
            }
            case RangeReply r -> w.u8(RANGE_REPLY).i64(r.requestId()).i64(r.offset()).bytes(r.data()).bytes(r.sha256());
            case RangeFailed f -> w.u8(RANGE_FAILED).i64(f.requestId()).string(f.reason());
            case SessionStart s -> {
                w.u8(SESSION_START).string(s.sessionId()).string(s.modelId()).i32(s.ring().size());
                for (RingEntry e : s.ring()) {
                    w.string(e.nodeId()).i32(e.start()).i32(e.end()).string(e.address());
                }
                w.i32(s.layers()).u8(dtypeCode(s.wireDtype()));
            }
            case Forward f -> {
                w.u8(FORWARD).string(f.sessionId()).i32(f.position());
                switch (f.payload()) {
                    case Payload.TokenIds t -> w.u8(0).i32s(t.ids());
                    case Payload.HiddenState h -> w.u8(1).u8(dtypeCode(h.dtype())).i32(h.count()).i32(h.dim())
                            .raw(h.bytes());
                }
                w.u8(f.trace().size());
                for (HopTrace t : f.trace()) {
                    w.i64(t.queueNanos()).i64(t.computeNanos());
                }
            }
            case Release r -> w.u8(RELEASE).string(r.sessionId());
            case Heartbeat h -> w.u8(HEARTBEAT).i64(h.sequence()).i64(h.senderMillis());
            case StatusRequest q -> w.u8(STATUS_REQUEST).i64(q.requestId());
            case Status st -> writeStatus(w, st);
            case Error e -> {
                w.u8(ERROR).flag(e.sessionId().isPresent());
                e.sessionId().ifPresent(w::string);
                w.string(e.code()).string(e.message());
            }
        }
    }

    static PeerMessage read(ByteBuf frame) {
        if (!frame.isReadable()) {
            throw new WireException("empty frame: no message type");
        }
        int type = frame.readUnsignedByte();
        String name = typeName(type);
        WireReader r = new WireReader(frame, name);
        PeerMessage msg;
        try {
            msg = switch (type) {
                case HELLO -> readHello(r);
                case HELLO_PROOF -> new HelloProof(r.bytes("hmac"));
                case LOAD_SHARD -> readLoadShard(r);
                case SHARD_READY -> new ShardReady(r.i64("request"), r.string("model"), r.i32("start"), r.i32("end"));
                case SHARD_FAILED -> new ShardFailed(r.i64("request"), r.string("reason"));
                case SHARD_PROGRESS -> new ShardProgress(r.i64("request"), r.i64("done"), r.i64("total"));
                case SESSION_START -> readSessionStart(r);
                case RANGE_REQUEST -> new RangeRequest(r.i64("request"), readModel(r), r.i64("offset"), r.i32("length"));
                case RANGE_REPLY -> new RangeReply(r.i64("request"), r.i64("offset"), r.bytes("data"), r.bytes("sha256"));
                case RANGE_FAILED -> new RangeFailed(r.i64("request"), r.string("reason"));
                case FORWARD -> new Forward(r.string("session"), r.i32("position"), readPayload(r), readTrace(r));
                case RELEASE -> new Release(r.string("session"));
                case HEARTBEAT -> new Heartbeat(r.i64("sequence"), r.i64("millis"));
                case STATUS_REQUEST -> new StatusRequest(r.i64("request"));
                case STATUS -> readStatus(r);
                case ERROR -> new Error(r.flag("has session") ? Optional.of(r.string("session")) : Optional.empty(),
                        r.string("code"), r.string("message"));
                default -> throw new WireException("unknown message type 0x" + HexFormat.of().toHexDigits((byte) type));
            };
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new WireException("invalid " + name + ": " + e.getMessage(), e);
        }
        r.end();
        return msg;
    }

    private static Hello readHello(WireReader r) {
        byte[] magic = r.raw(3, "magic");
        if (magic[0] != MAGIC[0] || magic[1] != MAGIC[1] || magic[2] != MAGIC[2]) {
            throw new WireException("wrong magic 0x" + HexFormat.of().formatHex(magic) + ", not \"EXO\": not an exo peer");
        }
        int version = r.u8("version");
        if (version != PeerMessage.PROTOCOL_VERSION) {
            throw new WireException("peer speaks protocol version " + version + ", this node speaks "
                    + PeerMessage.PROTOCOL_VERSION);
        }
        String id = r.string("node id");
        String host = r.string("host");
        int port = r.u16("port");
        var device = new DeviceCapabilities(r.string("device name"), r.i64("memory"), r.i32("cores"), r.f64("flops"),
                r.string("engine"));
        return new Hello(version, new NodeInfo(id, host, port, device), r.bytes("nonce"), r.bytes("key fingerprint"));
    }

    private static void writeModel(WireWriter w, ModelRef m) {
        w.string(m.id()).string(m.fileName()).flag(m.repo().isPresent());
        m.repo().ifPresent(w::string);
        w.string(m.quant()).i64(m.sizeBytes());
    }

    private static ModelRef readModel(WireReader r) {
        String model = r.string("model");
        String file = r.string("file");
        Optional<String> repo = r.flag("has repo") ? Optional.of(r.string("repo")) : Optional.empty();
        return new ModelRef(model, file, repo, r.string("quant"), r.i64("size"));
    }

    private static LoadShard readLoadShard(WireReader r) {
        long request = r.i64("request");
        ModelRef ref = readModel(r);
        var shard = new Shard(ref.id(), r.i32("start"), r.i32("end"), r.i32("layers"));
        return new LoadShard(request, ref, shard, r.i32("context"), dtype(r.u8("wire dtype")));
    }

    private static SessionStart readSessionStart(WireReader r) {
        String session = r.string("session");
        String model = r.string("model");
        // each entry takes at least 2 + 4 + 4 bytes
        int n = r.count("ring entries", 10);
        List<RingEntry> ring = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ring.add(new RingEntry(r.string("ring node"), r.i32("ring start"), r.i32("ring end"), r.string("ring address")));
        }
        return new SessionStart(session, model, ring, r.i32("layers"), dtype(r.u8("wire dtype")));
    }

    private static void writeStatus(WireWriter w, Status st) {
        w.u8(STATUS).i64(st.requestId()).i64(st.uptimeMillis()).i32(st.shards().size());
        for (Shard sh : st.shards()) {
            w.string(sh.model()).i32(sh.start()).i32(sh.end()).i32(sh.layers());
        }
        w.i32(st.sessions().size());
        for (SessionStatus s : st.sessions()) {
            w.string(s.sessionId()).string(s.modelId()).u8(s.ring().size());
            s.ring().forEach(w::string);
            w.i32(s.start()).i32(s.end()).i32(s.tokens()).i64(s.idleMillis());
        }
    }

    private static Status readStatus(WireReader r) {
        long request = r.i64("request");
        long uptime = r.i64("uptime");
        // a shard takes at least 2 + 3 x 4 bytes, a session 2 + 2 + 1 + 3 x 4 + 8
        int n = r.count("shards", 14);
        List<Shard> shards = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            shards.add(new Shard(r.string("shard model"), r.i32("shard start"), r.i32("shard end"), r.i32("shard layers")));
        }
        int m = r.count("sessions", 25);
        List<SessionStatus> sessions = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            String session = r.string("session");
            String model = r.string("session model");
            int k = r.u8("ring nodes");
            List<String> ring = new ArrayList<>(k);
            for (int j = 0; j < k; j++) {
                ring.add(r.string("ring node"));
            }
            sessions.add(new SessionStatus(session, model, ring, r.i32("session start"), r.i32("session end"),
                    r.i32("tokens"), r.i64("idle millis")));
        }
        return new Status(request, uptime, shards, sessions);
    }

    private static List<HopTrace> readTrace(WireReader r) {
        int n = r.u8("trace entries");
        List<HopTrace> trace = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            trace.add(new HopTrace(r.i64("queue nanos"), r.i64("compute nanos")));
        }
        return trace;
    }

    private static Payload readPayload(WireReader r) {
        int kind = r.u8("payload kind");
        return switch (kind) {
            case 0 -> new Payload.TokenIds(r.i32s("token ids"));
            case 1 -> {
                WireDtype dtype = dtype(r.u8("dtype"));
                long count = Integer.toUnsignedLong(r.i32("count"));
                long dim = Integer.toUnsignedLong(r.i32("dim"));
                // count and dim are below 2^32 each, so count x dim fits a long; times the value size may not.
                long values = count * dim;
                long bytes = values > Integer.MAX_VALUE ? Long.MAX_VALUE : values * dtype.bytesPerValue();
                if (bytes > Integer.MAX_VALUE) {
                    throw new WireException("Forward hidden state of " + count + " x " + dim + " is too large");
                }
                yield new Payload.HiddenState(dtype, (int) count, (int) dim, r.raw((int) bytes, "hidden state values"));
            }
            default -> throw new WireException("Forward has unknown payload kind " + kind);
        };
    }

    static int dtypeCode(WireDtype dtype) {
        return switch (dtype) {
            case F32 -> 0;
            case F16 -> 1;
            case BF16 -> 2;
        };
    }

    private static WireDtype dtype(int code) {
        return switch (code) {
            case 0 -> WireDtype.F32;
            case 1 -> WireDtype.F16;
            case 2 -> WireDtype.BF16;
            default -> throw new WireException("unknown dtype " + code);
        };
    }

    private static String typeName(int type) {
        return switch (type) {
            case HELLO -> "Hello";
            case HELLO_PROOF -> "HelloProof";
            case LOAD_SHARD -> "LoadShard";
            case SHARD_READY -> "ShardReady";
            case SHARD_FAILED -> "ShardFailed";
            case SHARD_PROGRESS -> "ShardProgress";
            case RANGE_REQUEST -> "RangeRequest";
            case RANGE_REPLY -> "RangeReply";
            case RANGE_FAILED -> "RangeFailed";
            case SESSION_START -> "SessionStart";
            case FORWARD -> "Forward";
            case RELEASE -> "Release";
            case HEARTBEAT -> "Heartbeat";
            case STATUS_REQUEST -> "StatusRequest";
            case STATUS -> "Status";
            case ERROR -> "Error";
            default -> "type 0x" + HexFormat.of().toHexDigits((byte) type);
        };
    }
}
