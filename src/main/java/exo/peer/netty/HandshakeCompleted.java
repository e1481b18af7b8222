package exo.peer.netty;

import exo.topology.NodeInfo;

/**
 * Fired down the pipeline when the remote node has shown its Hello (and its proof, with a
 * cluster key). The two nonces let both ends rank duplicate connections the same way.
 */
record HandshakeCompleted(NodeInfo remote, byte[] localNonce, byte[] remoteNonce) {
}
