/**
 * The peer protocol as the rest of exo sees it: the messages nodes exchange
 * ({@link exo.peer.PeerMessage}, a sealed interface of records), the remote end of a
 * connection ({@link exo.peer.Peer}, one send method per message), the events of the network
 * ({@link exo.peer.PeerListener}) and the network itself ({@link exo.peer.PeerNetwork},
 * configured by {@link exo.peer.PeerConfig}). Nothing here knows about Netty; the
 * implementation, wire format included, is in {@code exo.peer.netty}.
 */
package exo.peer;
