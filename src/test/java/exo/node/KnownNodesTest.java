package exo.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import org.junit.jupiter.api.Test;

class KnownNodesTest {
    private static NodeInfo node(String id, String name) {
        return new NodeInfo(id, "127.0.0.1", 1, DeviceCapabilities.hypothetical(name, 1L << 30));
    }

    @Test
    void aSecondMachineOfTheSameNameMakesBothLabelsCarryAPieceOfTheId() {
        KnownNodes known = new KnownNodes();
        known.met(node("exo-231c3cf7e9189a1a", "vm"));
        assertEquals("vm", known.label("exo-231c3cf7e9189a1a"));
        known.met(node("exo-b457ab11d3531ac4", "vm"));
        assertEquals("vm-231c", known.label("exo-231c3cf7e9189a1a"));
        assertEquals("vm-b457", known.label("exo-b457ab11d3531ac4"));
    }

    @Test
    void aNodeNeverMetIsItsIdAndARenamedOneGoesByItsNewName() {
        KnownNodes known = new KnownNodes();
        assertEquals("exo-0123", known.label("exo-0123"));
        known.met(node("exo-0123", "old"));
        known.met(node("exo-0123", "studio"));
        assertEquals("studio", known.label("exo-0123"));
    }
}
