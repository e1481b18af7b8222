package exo.cli;

import picocli.CommandLine.Mixin;

/**
 * How this machine takes part in a cluster as the tail of a ring (run, chat, serve, bench): its
 * node's address, identity, peers and key, and how it forms the ring.
 */
final class ClusterTailOptions {
    @Mixin
    ClusterOptions cluster;
    @Mixin
    RingOptions ring;
}
