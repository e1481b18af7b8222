package exo.peer;

import exo.topology.NodeInfo;
import exo.topology.Shard;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything two exo nodes say to each other. {@link Hello} and {@link HelloProof} are the
 * handshake and never reach a {@link PeerListener}; the rest flow once it has completed.
 */
public sealed interface PeerMessage {

    /** The version this build speaks; a peer with another one is refused at the handshake. */
    int PROTOCOL_VERSION = 4;
    /** Bytes of the random nonce in a {@link Hello}. */
    int NONCE_BYTES = 32;

    /**
     * The first message each way. {@code keyFingerprint} is empty when the sender has no
     * cluster key, else {@link ClusterKey#fingerprint()} of its key.
     */
    record Hello(int protocolVersion, NodeInfo node, byte[] nonce, byte[] keyFingerprint) implements PeerMessage {
        public Hello {
            if (protocolVersion < 1 || protocolVersion > 255) {
                throw new IllegalArgumentException("protocol version " + protocolVersion + " is not 1-255");
            }
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(nonce, "nonce");
            Objects.requireNonNull(keyFingerprint, "keyFingerprint");
            if (nonce.length != NONCE_BYTES) {
                throw new IllegalArgumentException("a hello nonce is " + NONCE_BYTES + " bytes, not " + nonce.length);
            }
            if (keyFingerprint.length != 0 && keyFingerprint.length != ClusterKey.FINGERPRINT_BYTES) {
                throw new IllegalArgumentException("a key fingerprint is 0 or " + ClusterKey.FINGERPRINT_BYTES + " bytes");
            }
            nonce = nonce.clone();
            keyFingerprint = keyFingerprint.clone();
        }

        public boolean keyed() {
            return keyFingerprint.length != 0;
        }

        @Override
        public byte[] nonce() {
            return nonce.clone();
        }

        @Override
        public byte[] keyFingerprint() {
            return keyFingerprint.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Hello h && protocolVersion == h.protocolVersion && node.equals(h.node)
                    && Arrays.equals(nonce, h.nonce) && Arrays.equals(keyFingerprint, h.keyFingerprint);
        }

        @Override
        public int hashCode() {
            return Objects.hash(protocolVersion, node, Arrays.hashCode(nonce), Arrays.hashCode(keyFingerprint));
        }

        @Override
        public String toString() {
            return "Hello[v" + protocolVersion + ", " + node.id() + " at " + node.address() + (keyed() ? ", keyed" : "") + "]";
        }
    }

    /** HMAC-SHA256 proof that the sender holds the cluster key; see {@link ClusterKey#proof}. */
    record HelloProof(byte[] mac) implements PeerMessage {
        public HelloProof {
            Objects.requireNonNull(mac, "mac");
            if (mac.length != ClusterKey.PROOF_BYTES) {
                throw new IllegalArgumentException("a proof is " + ClusterKey.PROOF_BYTES + " bytes, not " + mac.length);
            }
            mac = mac.clone();
        }

        @Override
        public byte[] mac() {
            return mac.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HelloProof p && Arrays.equals(mac, p.mac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(mac);
        }

        @Override
        public String toString() {
            return "HelloProof";
        }
    }

    /**
     * Load {@code shard} of {@code model} and answer {@link ShardReady} or {@link ShardFailed}
     * with the same request id. The shard's model is the model's id.
     */
    record LoadShard(long requestId, ModelRef model, Shard shard, int contextLength, WireDtype wireDtype)
            implements PeerMessage {
        public LoadShard {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(shard, "shard");
            Objects.requireNonNull(wireDtype, "wireDtype");
            if (!shard.model().equals(model.id())) {
                throw new IllegalArgumentException("shard " + shard + " is not of model " + model.id());
            }
            if (contextLength < 1) {
                throw new IllegalArgumentException("context length " + contextLength + " is not positive");
            }
        }
    }

    record ShardReady(long requestId, String modelId, int start, int end) implements PeerMessage {
        public ShardReady {
            Fields.name(modelId, "model id", 256);
            if (start < 0 || start >= end) {
                throw new IllegalArgumentException("shard [" + start + ", " + end + ") is empty");
            }
        }
    }

    record ShardFailed(long requestId, String reason) implements PeerMessage {
        public ShardFailed {
            reason = Fields.text(reason, "reason");
        }
    }

    /** How far a node is in fetching its shard; {@code bytesTotal} is 0 while unknown. */
    record ShardProgress(long requestId, long bytesDone, long bytesTotal) implements PeerMessage {
        public ShardProgress {
            Fields.nonNegative(bytesDone, "bytes done");
            Fields.nonNegative(bytesTotal, "bytes total");
            if (bytesTotal > 0 && bytesDone > bytesTotal) {
                throw new IllegalArgumentException(bytesDone + " of " + bytesTotal + " bytes is more than all");
            }
        }
    }

    /**
     * Asks a peer for {@code length} bytes at {@code offset} of a model file it holds (the tail's
     * own file, or one in its models directory): how a node without the weights gets its slice.
     */
    record RangeRequest(long requestId, ModelRef model, long offset, int length) implements PeerMessage {
        /** The most bytes one range carries: well inside a frame. */
        public static final int MAX_LENGTH = 4 << 20;

        public RangeRequest {
            Objects.requireNonNull(model, "model");
            Fields.nonNegative(offset, "offset");
            if (length < 1 || length > MAX_LENGTH) {
                throw new IllegalArgumentException("a range of " + length + " bytes is not 1 to " + MAX_LENGTH);
            }
        }
    }

    /** The bytes of a {@link RangeRequest}, with their SHA-256 so damage on the way is caught. */
    record RangeReply(long requestId, long offset, byte[] data, byte[] sha256) implements PeerMessage {
        public RangeReply {
            Fields.nonNegative(offset, "offset");
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(sha256, "sha256");
            if (sha256.length != 32) {
                throw new IllegalArgumentException("a SHA-256 is 32 bytes, not " + sha256.length);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RangeReply r && requestId == r.requestId && offset == r.offset
                    && Arrays.equals(data, r.data) && Arrays.equals(sha256, r.sha256);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(requestId) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "RangeReply[" + requestId + ", " + data.length + " bytes at " + offset + "]";
        }
    }

    /** A {@link RangeRequest} the peer cannot answer (it lacks the file, the range is outside it). */
    record RangeFailed(long requestId, String reason) implements PeerMessage {
        public RangeFailed {
            reason = Fields.text(reason, "reason");
        }
    }

    /**
     * The tail pins a session's plan: the ring in order (head first, tail last), covering
     * layers [0, layers) without gaps, so each node knows its slice and where its output goes.
     */
    record SessionStart(String sessionId, String modelId, List<RingEntry> ring, int layers, WireDtype wireDtype)
            implements PeerMessage {
        public SessionStart {
            Fields.sessionId(sessionId);
            Fields.name(modelId, "model id", 256);
            Objects.requireNonNull(wireDtype, "wireDtype");
            ring = List.copyOf(ring);
            if (ring.isEmpty()) {
                throw new IllegalArgumentException("session " + sessionId + " has an empty ring");
            }
            int next = 0;
            var nodes = new HashSet<String>();
            for (RingEntry e : ring) {
                if (e.start() != next) {
                    throw new IllegalArgumentException("ring of session " + sessionId + ": node " + e.nodeId()
                            + " starts at layer " + e.start() + ", expected " + next);
                }
                if (!nodes.add(e.nodeId())) {
                    throw new IllegalArgumentException("ring of session " + sessionId + " names node " + e.nodeId() + " twice");
                }
                next = e.end();
            }
            if (next != layers) {
                throw new IllegalArgumentException("ring of session " + sessionId + " ends at layer " + next + ", not " + layers);
            }
        }

        /** Where node {@code nodeId} sends its output: the next entry, the head after the tail. */
        public Optional<RingEntry> after(String nodeId) {
            for (int i = 0; i < ring.size(); i++) {
                if (ring.get(i).nodeId().equals(nodeId)) {
                    return Optional.of(ring.get((i + 1) % ring.size()));
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Run {@code payload} at positions [position, position + count) of the session.
     * {@code trace} holds one entry per node the forward has passed through, in ring order.
     */
    record Forward(String sessionId, int position, Payload payload, List<HopTrace> trace) implements PeerMessage {
        public Forward {
            Fields.sessionId(sessionId);
            Fields.nonNegative(position, "position");
            Objects.requireNonNull(payload, "payload");
            trace = List.copyOf(trace);
            if (trace.size() > HopTrace.MAX_HOPS) {
                throw new IllegalArgumentException("a forward traced through " + trace.size() + " nodes; at most "
                        + HopTrace.MAX_HOPS);
            }
        }

        /** A forward leaving the node that starts it. */
        public Forward(String sessionId, int position, Payload payload) {
            this(sessionId, position, payload, List.of());
        }

        /** The output of this node's layers, sent on with this node's entry added to the trace. */
        public Forward next(Payload output, HopTrace mine) {
            List<HopTrace> t = new java.util.ArrayList<>(trace);
            t.add(mine);
            return new Forward(sessionId, position, output, t);
        }
    }

    /** The session is over: free its KV cache. */
    record Release(String sessionId) implements PeerMessage {
        public Release {
            Fields.sessionId(sessionId);
        }
    }

    /** What are you running? Answered with a {@link Status} of the same request id (`exo ps`). */
    record StatusRequest(long requestId) implements PeerMessage {
    }

    /**
     * A node's answer to a {@link StatusRequest}: how long it has run, the shards it has loaded
     * and the sessions it holds, both those it runs a slice of and its own conversations.
     */
    record Status(long requestId, long uptimeMillis, List<Shard> shards, List<SessionStatus> sessions)
            implements PeerMessage {
        /** More than a node holds (256 sessions of others, its own); it keeps a reply within a frame. */
        public static final int MAX_SESSIONS = 4096;
        public static final int MAX_SHARDS = 256;

        public Status {
            Fields.nonNegative(uptimeMillis, "uptime millis");
            shards = List.copyOf(shards);
            sessions = List.copyOf(sessions);
            if (shards.size() > MAX_SHARDS || sessions.size() > MAX_SESSIONS) {
                throw new IllegalArgumentException("a status holds at most " + MAX_SHARDS + " shards and "
                        + MAX_SESSIONS + " sessions, not " + shards.size() + " and " + sessions.size());
            }
            shards.forEach(sh -> Fields.name(sh.model(), "model id", 256));
        }
    }

    /** Liveness; {@code senderMillis} is the sender's wall clock, for a rough latency/skew view. */
    record Heartbeat(long sequence, long senderMillis) implements PeerMessage {
    }

    /** Something went wrong, about one session or (empty) about the connection. */
    record Error(Optional<String> sessionId, String code, String message) implements PeerMessage {
        public Error {
            Objects.requireNonNull(sessionId, "sessionId");
            sessionId.ifPresent(Fields::sessionId);
            Objects.requireNonNull(code, "code");
            if (!code.matches("[a-z0-9-]{1,64}")) {
                throw new IllegalArgumentException("error code '" + code + "' must be 1-64 of a-z, 0-9, '-'");
            }
            message = Fields.text(message, "message");
        }
    }
}
