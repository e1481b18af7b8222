/**
 * The peer protocol on Netty: {@link exo.peer.netty.NettyPeerNetwork} and the pipeline of
 * small handlers each connection runs (see {@code PeerChannelInitializer} for the order and
 * why, {@link exo.peer.netty.PeerMessageCodec} for the frame layout with example bytes).
 */
package exo.peer.netty;
